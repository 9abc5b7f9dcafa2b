package io.statspipe.adapter.kafka.spool;

import io.statspipe.ports.out.EngineUnavailableException;

/** The spool holds its maximum size: the append was refused and nothing of it was kept. */
public final class SpoolFullException extends EngineUnavailableException {
    private static final long serialVersionUID = 1L;

    public SpoolFullException(String message) {
        super(message);
    }
}
