package io.statspipe.adapter.ingest;

/**
 * What a gauge value with a sign means ({@code statspipe.statsd.gauge-deltas}): {@code +N} always
 * changes the level; {@code -N} is a negative level for DogStatsD clients and a decrement for
 * etsy StatsD clients.
 */
public enum GaugeDeltas {
    /** {@code -N} sets the level to -N (DogStatsD's meaning). */
    DOGSTATSD,
    /** {@code -N} lowers the level by N (etsy StatsD's meaning). */
    ETSY;

    /** The spelling in configuration files. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
