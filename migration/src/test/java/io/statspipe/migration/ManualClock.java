package io.statspipe.migration;

import java.time.Instant;
import java.time.InstantSource;

/** A clock tests move by hand. */
final class ManualClock implements InstantSource {
    private long millis;

    ManualClock(Instant start) {
        this.millis = start.toEpochMilli();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }

    void advance(long by) {
        millis += by;
    }

    void set(Instant at) {
        millis = at.toEpochMilli();
    }
}
