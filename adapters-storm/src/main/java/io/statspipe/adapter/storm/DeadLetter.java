package io.statspipe.adapter.storm;

/**
 * Input the topology refused, with the reason and where it came from. {@code payload} is the
 * whole record for a record refused as a whole, or the refused event re-encoded as a batch of
 * one (same batch id) for an event refused alone.
 */
public record DeadLetter(int partition, long offset, String reason, byte[] payload) {

    public DeadLetter {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a dead letter needs a reason (partition " + partition + ", offset "
                    + offset + ")");
        }
        payload = payload == null ? new byte[0] : payload;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter d && d.partition == partition && d.offset == offset
                && d.reason.equals(reason) && java.util.Arrays.equals(d.payload, payload);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(partition, offset, reason, java.util.Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "DeadLetter[" + key() + ", " + payload.length + " bytes: " + reason + "]";
    }

    /** The Kafka key: a replay produces the same key, so a consumer can drop repeated dead letters. */
    public String key() {
        return "p" + partition + "/" + offset;
    }
}
