package io.statspipe.ports.out;

import io.statspipe.domain.PartialId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Input statspipe refused, or a partial the store refused, with the reason and where it came
 * from: the one dead letter of statspipe, whoever refuses (the agent at ingest, the topology).
 *
 * @param source   where it came from: {@code udp:<sender>}, {@code http}, {@code spool:<producer>},
 *                 {@code agent:<producer>}, or {@link #TOPOLOGY} for a record of the events topic
 * @param position the refused record's partition and offset in the events topic, where known
 * @param reason   what is wrong, for a person
 * @param payload  the refused bytes: the input as it came, the whole record for a record refused as
 *                 a whole, the refused event re-encoded as a batch of one (same batch id) for an
 *                 event refused alone, or the refused partial's content for a partial
 * @param partial  a refused partial's identity (see {@link #identity(PartialId)})
 */
public record DeadLetter(String source, Optional<Position> position, String reason, byte[] payload,
                         Optional<String> partial) {
    /** The source of what the topology refuses: records of the events topic, at {@link #position()}. */
    public static final String TOPOLOGY = "topology";

    /** A record's place in the events topic. */
    public record Position(int partition, long offset) {
    }

    public DeadLetter {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a dead letter needs a source (reason: " + reason + ")");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a dead letter needs a reason (source " + source
                    + position.map(p -> ", partition " + p.partition() + ", offset " + p.offset()).orElse("") + ")");
        }
        payload = payload == null ? new byte[0] : payload;
        partial = partial == null ? Optional.empty() : partial;
    }

    /** A record of the events topic the topology refused, at {@code offset} of {@code partition}. */
    public DeadLetter(int partition, long offset, String reason, byte[] payload) {
        this(TOPOLOGY, Optional.of(new Position(partition, offset)), reason, payload, Optional.empty());
    }

    /** Input refused where it came in (the agent): no place in the events topic yet. */
    public static DeadLetter ofInput(String source, String reason, byte[] input) {
        return new DeadLetter(source, Optional.empty(), reason, input, Optional.empty());
    }

    /** A partial the store refused, from a flush of {@code partition}; {@code content} is what the store was sent. */
    public static DeadLetter ofPartial(int partition, PartialId id, String reason, String content) {
        return new DeadLetter(TOPOLOGY, Optional.of(new Position(partition, id.origin().firstOffset())), reason,
                content.getBytes(StandardCharsets.UTF_8), Optional.of(identity(id)));
    }

    /** A partial's identity as people read it: series, kind, resolution, bucket, and the flush it came from. */
    public static String identity(PartialId id) {
        return id.series() + " " + id.kind().name().toLowerCase(Locale.ROOT) + " " + id.resolution() + " bucket "
                + Instant.ofEpochMilli(id.bucket().start()) + " from " + id.origin().stream() + " flush " + id.origin().seq()
                + " (first offset " + id.origin().firstOffset() + ")";
    }

    /**
     * The key to publish it under, where it has one: {@code partial <identity>} for a partial,
     * {@code p<partition>/<offset>} for a record of the events topic. A replay produces the same
     * key, so a consumer can drop repeated dead letters.
     */
    public Optional<String> key() {
        return partial.map(p -> "partial " + p).or(() -> position.map(p -> "p" + p.partition() + "/" + p.offset()));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter d && d.source.equals(source) && d.position.equals(position)
                && d.reason.equals(reason) && Arrays.equals(d.payload, payload) && d.partial.equals(partial);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, position, reason, Arrays.hashCode(payload), partial);
    }

    @Override
    public String toString() {
        return "DeadLetter[" + key().orElse(source) + ", " + payload.length + " bytes: " + reason + "]";
    }
}
