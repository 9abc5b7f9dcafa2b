package io.statspipe.domain;

/** What an event observes, after StatsD's types: {@code |c}, {@code |g}, {@code |ms|h|d}, {@code |s}. */
public enum Kind {
    /** An increment; aggregates to an exact count. */
    COUNTER,
    /** A level; aggregates to last, min, max, sum and number of samples. */
    GAUGE,
    /** A measured value (timing, histogram, distribution); aggregates to count, sum, min, max and quantiles. */
    DISTRIBUTION,
    /** A member of a set; aggregates to the number of distinct members (estimated) and of events. */
    SET
}
