package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns a partial into its one data point, at its slot, tagged with its input stream: the same
 * partial always gives the same point, so a replay rewrites an identical value. A counter's point
 * is its long count; a gauge's or distribution's is its whole mergeable state, of the type
 * statspipe's KairosDB plugin adds.
 */
final class PartialPoints {
    /** Cassandra refuses TTLs above 20 years. */
    static final long MAX_TTL_SECONDS = 630_720_000L;

    private final KairosMapping mapping;

    PartialPoints(KairosMapping mapping) {
        this.mapping = mapping;
    }

    /** Appends the point of {@code partial} to {@code out}; {@code nowMillis} sets the TTL. */
    void addPoints(Partial partial, long nowMillis, List<DataPointRow> out) {
        PartialId id = partial.id();
        SortedMap<String, String> tags = new TreeMap<>(id.series().tags().asMap());
        tags.put(KairosMapping.SOURCE_TAG, id.origin().stream());
        String metric = mapping.metricName(id.series().metric(), id.kind(), id.resolution());
        Optional<String> type = KairosMapping.typeOf(id.kind());
        Object value = type.isEmpty() ? (Object) partial.aggregate().count() : AggregateJson.toJson(partial.aggregate());
        out.add(new DataPointRow(metric, tags, id.slot(), value, type, ttlSeconds(id, nowMillis)));
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
}
