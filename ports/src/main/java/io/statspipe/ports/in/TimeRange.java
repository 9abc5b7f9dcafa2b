package io.statspipe.ports.in;

import io.statspipe.domain.InvalidStatException;
import java.time.Instant;

/** A half-open time range {@code [from, to)} in epoch milliseconds. */
public record TimeRange(long from, long to) {

    public TimeRange {
        if (from >= to) {
            throw new InvalidStatException("time range must end after it starts: from " + Instant.ofEpochMilli(from)
                    + " to " + Instant.ofEpochMilli(to));
        }
    }

    public static TimeRange of(Instant from, Instant to) {
        return new TimeRange(from.toEpochMilli(), to.toEpochMilli());
    }

    public boolean contains(long timestamp) {
        return timestamp >= from && timestamp < to;
    }
}
