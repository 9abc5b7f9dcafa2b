package io.statspipe.adapter.storm;

import io.statspipe.domain.PartialId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Input the topology refused, or a partial the store refused, with the reason and where it came
 * from. {@code payload} is the whole record for a record refused as a whole, the refused event
 * re-encoded as a batch of one (same batch id) for an event refused alone, or the refused
 * partial's content for a partial. {@code partial} names a refused partial.
 */
public record DeadLetter(int partition, long offset, String reason, byte[] payload, Optional<String> partial) {

    public DeadLetter {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a dead letter needs a reason (partition " + partition + ", offset "
                    + offset + ")");
        }
        payload = payload == null ? new byte[0] : payload;
        partial = partial == null ? Optional.empty() : partial;
    }

    /** Refused input at {@code offset} of {@code partition}. */
    public DeadLetter(int partition, long offset, String reason, byte[] payload) {
        this(partition, offset, reason, payload, Optional.empty());
    }

    /** A partial the store refused, from a flush of {@code partition}; {@code content} is what the store was sent. */
    public static DeadLetter ofPartial(int partition, PartialId id, String reason, String content) {
        return new DeadLetter(partition, id.origin().firstOffset(), reason, content.getBytes(StandardCharsets.UTF_8),
                Optional.of(identity(id)));
    }

    /** A partial's identity as people read it: series, kind, resolution, bucket, and the flush it came from. */
    public static String identity(PartialId id) {
        return id.series() + " " + id.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + id.resolution() + " bucket "
                + Instant.ofEpochMilli(id.bucket().start()) + " from " + id.origin().stream() + " flush " + id.origin().seq()
                + " (first offset " + id.origin().firstOffset() + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter d && d.partition == partition && d.offset == offset
                && d.reason.equals(reason) && Arrays.equals(d.payload, payload) && d.partial.equals(partial);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, offset, reason, Arrays.hashCode(payload), partial);
    }

    @Override
    public String toString() {
        return "DeadLetter[" + key() + ", " + payload.length + " bytes: " + reason + "]";
    }

    /** The Kafka key: a replay produces the same key, so a consumer can drop repeated dead letters. */
    public String key() {
        return partial.map(p -> "partial " + p).orElse("p" + partition + "/" + offset);
    }
}
