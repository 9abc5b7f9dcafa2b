package io.statspipe.domain;

/**
 * The mergeable summary of the events of one series in one bucket (or in part of one: a
 * {@link Partial}). Merging is associative and commutative, so partials can be combined in any
 * grouping and order and give the same result; counts are exact longs.
 */
public sealed interface Aggregate permits CounterAggregate, GaugeAggregate, DistributionAggregate, SetAggregate {

    Kind kind();

    /**
     * Counters: the count. Gauges and distributions: the number of samples (scaled by
     * sample rate for distributions). Sets: the number of members received, repeats included.
     */
    long count();

    /** Combines two aggregates of the same kind. */
    Aggregate merge(Aggregate other);

    /** The value of one statistic, as a query reports it. */
    double value(Aggregation aggregation);

    /**
     * The count of two merged aggregates. The rollup refuses events that would overflow one
     * partial, but partials of many flushes and partitions can still add up past a long: that
     * is refused with a message rather than wrapped around.
     */
    static long addCounts(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            throw new InvalidStatException("merged count overflows a long: " + a + " + " + b);
        }
        return sum;
    }

    static InvalidStatException kindMismatch(Aggregate a, Aggregate b) {
        return new InvalidStatException("cannot merge a " + a.kind() + " aggregate with a " + b.kind() + " aggregate");
    }

    static InvalidStatException notApplicable(Kind kind, Aggregation aggregation) {
        return new InvalidStatException(aggregation + " is not defined for " + kind.name().toLowerCase()
                + " series");
    }
}
