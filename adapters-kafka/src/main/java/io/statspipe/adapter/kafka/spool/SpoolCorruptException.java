package io.statspipe.adapter.kafka.spool;

/**
 * A durable record of the spool is corrupt on disk and where the record after it begins cannot be
 * told: reading further could only guess, so the reader stops at it (the records stay on disk).
 */
public final class SpoolCorruptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpoolCorruptException(String message) {
        super(message);
    }
}
