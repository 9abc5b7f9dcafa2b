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

    /** The Kafka key: a replay produces the same key, so a consumer can drop repeated dead letters. */
    public String key() {
        return "p" + partition + "/" + offset;
    }
}
