package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Kind;

/**
 * One number of a stored aggregate, and so one derived metric name per kind and resolution
 * ({@code cpu:1m:gauge.max}). Counts, bin counts and timestamps are longs; the rest are doubles.
 * Which server-side aggregator combines a field's partials within a bucket exactly is part of the
 * field: sums of longs and min/max are exact in KairosDB; "last" needs its timestamp and is
 * combined here.
 */
enum Field {
    COUNT("count", true, Combine.SUM),
    SUM("sum", false, Combine.SUM),
    MIN("min", false, Combine.MIN),
    MAX("max", false, Combine.MAX),
    LAST("last", false, Combine.NONE),
    LAST_AT("last_at", true, Combine.NONE),
    BINS("bins", true, Combine.SUM);

    /** How KairosDB combines the partials of a bucket for this field, if it can do so exactly. */
    enum Combine { SUM, MIN, MAX, NONE }

    final String suffix;
    final boolean isLong;
    final Combine combine;

    Field(String suffix, boolean isLong, Combine combine) {
        this.suffix = suffix;
        this.isLong = isLong;
        this.combine = combine;
    }

    /** The last part of the derived metric name: {@code count} for counters, {@code gauge.max}, {@code dist.bins}. */
    String nameIn(Kind kind) {
        return switch (kind) {
            case COUNTER -> suffix;
            case GAUGE -> "gauge." + suffix;
            case DISTRIBUTION -> "dist." + suffix;
        };
    }
}
