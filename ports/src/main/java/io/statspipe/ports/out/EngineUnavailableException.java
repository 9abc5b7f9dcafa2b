package io.statspipe.ports.out;

/**
 * An engine behind an outbound port could not do what was asked (down, timing out, refusing).
 * Nothing was lost: the caller still holds what it tried to write and retries or fails its
 * own input, so that it is redelivered.
 */
public class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public EngineUnavailableException(String message) {
        super(message);
    }
}
