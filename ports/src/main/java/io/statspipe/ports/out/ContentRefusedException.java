package io.statspipe.ports.out;

/**
 * An engine refuses what it was asked to store, and would refuse it again (an HTTP 400, content
 * that cannot be serialized): unlike {@link EngineUnavailableException}, trying again cannot
 * help. The caller narrows the refusal down to what is refused, sets that aside with the reason,
 * and goes on with the rest. {@link #content()} is what was refused, as the engine would have
 * received it, when small enough to keep (else empty).
 */
public class ContentRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String content;

    public ContentRefusedException(String reason, String content, Throwable cause) {
        super(reason, cause);
        this.content = content == null ? "" : content;
    }

    public String content() {
        return content;
    }
}
