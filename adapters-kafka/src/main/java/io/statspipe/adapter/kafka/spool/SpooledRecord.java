package io.statspipe.adapter.kafka.spool;

import java.util.Optional;

/**
 * One appended record as read back: its sequence, when it was spooled, how many events it holds, its bytes.
 * A record found corrupt on disk after it was durable carries the reason in {@code corruption}, and
 * {@code payload} holds its bytes as the disk has them (header included); its other fields are unknown (0).
 */
public record SpooledRecord(long sequence, long spooledAtMillis, int events, byte[] payload, Optional<String> corruption) {

    public SpooledRecord(long sequence, long spooledAtMillis, int events, byte[] payload) {
        this(sequence, spooledAtMillis, events, payload, Optional.empty());
    }

    /** The record of {@code sequence}, unreadable for {@code reason}: {@code bytes} are what the disk holds. */
    static SpooledRecord corrupt(long sequence, byte[] bytes, String reason) {
        return new SpooledRecord(sequence, 0, 0, bytes, Optional.of(reason));
    }
}
