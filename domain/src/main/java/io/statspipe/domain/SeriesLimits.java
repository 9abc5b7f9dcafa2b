package io.statspipe.domain;

/**
 * How many distinct series one input stream (a Kafka partition) counts per window, per tenant
 * (the value of a series' {@code tenant} tag; series without one share the tenant "") and in
 * all. A series is a metric with its tags and its kind. The window is the rollup's: from one
 * cut of every resolution to the next (see {@link Rollup}); a new series beyond a limit is
 * refused for the rest of the window.
 *
 * <p>The limits need no state beyond the window's own records: re-reading a window's records
 * from its start admits exactly the series the first pass admitted, which is what keeps a
 * replay exact at the limit.
 */
public record SeriesLimits(int perTenant, int overall) implements java.io.Serializable {
    /** No limit. */
    public static final SeriesLimits NONE = new SeriesLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    public SeriesLimits {
        if (perTenant < 1 || overall < 1) {
            throw new InvalidStatException("series limits must be at least 1, got " + perTenant + " per tenant and "
                    + overall + " overall");
        }
    }

    /**
     * One stream's share of limits that hold for all {@code streams} streams together: each
     * admits its fraction, rounded up. Series spread over streams by hash, so the whole admits
     * about the total.
     */
    public static SeriesLimits shareOf(long perTenantTotal, long overallTotal, int streams) {
        if (streams < 1) {
            throw new InvalidStatException("streams must be at least 1, got " + streams);
        }
        return new SeriesLimits(share(perTenantTotal, streams), share(overallTotal, streams));
    }

    private static int share(long total, int streams) {
        if (total < 1) {
            throw new InvalidStatException("a series limit must be at least 1, got " + total);
        }
        return (int) Math.min(Integer.MAX_VALUE, (total + streams - 1) / streams);
    }

    /** The tenant a series counts against. */
    public static String tenantOf(Series series) {
        return series.tags().value("tenant").orElse("");
    }
}
