package io.statspipe.ports.out;

import java.nio.charset.StandardCharsets;

/**
 * An answer of the store's own read API, passed on as the store gives it: an HTTP status and a
 * JSON body in the store's own format (its refusals too).
 */
public record NativeAnswer(int status, byte[] json) {
    public NativeAnswer {
        json = json.clone();
    }

    @Override
    public byte[] json() {
        return json.clone();
    }

    /** The body as text, for logs and tests. */
    public String text() {
        return new String(json, StandardCharsets.UTF_8);
    }
}
