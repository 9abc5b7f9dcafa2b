package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.QuantileSketch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns partials into data points. A partial's points all sit at its slot, tagged with its input
 * stream: the same partial always gives the same points, so a replay rewrites identical values.
 */
final class PartialPoints {
    /** Cassandra refuses TTLs above 20 years. */
    static final long MAX_TTL_SECONDS = 630_720_000L;

    private final KairosMapping mapping;

    PartialPoints(KairosMapping mapping) {
        this.mapping = mapping;
    }

    /** Appends the points of {@code partial} to {@code out}; {@code nowMillis} sets the TTL. */
    void addPoints(Partial partial, long nowMillis, List<DataPointRow> out) {
        PartialId id = partial.id();
        SortedMap<String, String> tags = new TreeMap<>(id.series().tags().asMap());
        tags.put(KairosMapping.SOURCE_TAG, id.origin().stream());
        int ttl = ttlSeconds(id, nowMillis);
        long slot = id.slot();
        Set<Field> fields = KairosMapping.fieldsFor(id.kind(), partial.emits());
        Aggregate aggregate = partial.aggregate();
        for (Field field : fields) {
            String metric = mapping.metricName(id.series().metric(), id.kind(), id.resolution(), field);
            if (field == Field.BINS) {
                addBins(((DistributionAggregate) aggregate).sketch(), metric, tags, slot, ttl, out);
            } else {
                out.add(new DataPointRow(metric, tags, slot, valueOf(aggregate, field), ttl));
            }
        }
    }

    /**
     * Time left until the bucket is older than its resolution's retention, so that a bucket expires
     * at the same moment whenever it was written (replays and backfills included). At least one
     * second: 0 would mean "keep forever" to KairosDB.
     */
    static int ttlSeconds(PartialId id, long nowMillis) {
        long expiresAt = id.bucket().end() + id.resolution().retention().toMillis();
        long seconds = Math.floorDiv(expiresAt - nowMillis + 999, 1000);
        return (int) Math.max(1, Math.min(MAX_TTL_SECONDS, seconds));
    }

    private static Number valueOf(Aggregate aggregate, Field field) {
        if (aggregate instanceof CounterAggregate c) {
            return c.count();
        }
        if (aggregate instanceof GaugeAggregate g) {
            return switch (field) {
                case COUNT -> g.count();
                case SUM -> g.sum();
                case MIN -> g.min();
                case MAX -> g.max();
                case LAST -> g.last();
                case LAST_AT -> g.lastAt();
                case BINS -> throw new IllegalArgumentException("gauges have no sketch bins");
            };
        }
        DistributionAggregate d = (DistributionAggregate) aggregate;
        return switch (field) {
            case COUNT -> d.count();
            case SUM -> d.sum();
            case MIN -> d.min();
            case MAX -> d.max();
            case LAST, LAST_AT, BINS -> throw new IllegalArgumentException(field + " is not a single number of a distribution");
        };
    }

    private static void addBins(QuantileSketch sketch, String metric, SortedMap<String, String> tags, long slot, int ttl,
                                List<DataPointRow> out) {
        for (Map.Entry<Integer, Long> bin : sketch.positiveBins().entrySet()) {
            out.add(new DataPointRow(metric, withBin(tags, "p" + bin.getKey()), slot, bin.getValue(), ttl));
        }
        for (Map.Entry<Integer, Long> bin : sketch.negativeBins().entrySet()) {
            out.add(new DataPointRow(metric, withBin(tags, "n" + bin.getKey()), slot, bin.getValue(), ttl));
        }
        if (sketch.zeroCount() > 0) {
            out.add(new DataPointRow(metric, withBin(tags, "z"), slot, sketch.zeroCount(), ttl));
        }
    }

    private static SortedMap<String, String> withBin(SortedMap<String, String> tags, String bin) {
        SortedMap<String, String> copy = new TreeMap<>(tags);
        copy.put(KairosMapping.BIN_TAG, bin);
        return copy;
    }

    /** Rebuilds a sketch from summed bin counts keyed by bin tag value. */
    static QuantileSketch sketchFromBins(Map<String, Long> bins) {
        Map<Integer, Long> positive = new TreeMap<>();
        Map<Integer, Long> negative = new TreeMap<>();
        long zeros = 0;
        for (Map.Entry<String, Long> bin : bins.entrySet()) {
            String key = bin.getKey();
            if (key.equals("z")) {
                zeros += bin.getValue();
            } else if (key.startsWith("p")) {
                positive.merge(Integer.parseInt(key.substring(1)), bin.getValue(), Long::sum);
            } else if (key.startsWith("n")) {
                negative.merge(Integer.parseInt(key.substring(1)), bin.getValue(), Long::sum);
            } else {
                throw new IllegalStateException("unknown sketch bin tag '" + key + "' in KairosDB");
            }
        }
        return QuantileSketch.fromBins(positive, negative, zeros);
    }
}
