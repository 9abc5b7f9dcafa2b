package io.statspipe.ports.out;

/**
 * Another owner claimed the stream ({@link FlushIntentPort#claim}) since this one did: this
 * owner's view of the stream may be stale, so it must not begin or complete anything for it.
 * Whoever gets this lets go of the stream (its uncommitted input is failed, to be redelivered);
 * taking the stream back means claiming it again and resuming from its newest intent.
 */
public class StreamTakenOverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamTakenOverException(String message, Throwable cause) {
        super(message, cause);
    }

    public StreamTakenOverException(String message) {
        super(message);
    }
}
