package io.statspipe.migration;

import io.statspipe.domain.InvalidStatException;
import java.time.InstantSource;

/**
 * At most {@code perSecond} units per second on average (a token bucket holding one second's
 * worth), so a backfill never takes the new store's whole write capacity from live traffic.
 */
public final class RateLimit {
    /** Waits for a number of milliseconds; tests pass one that advances a fake clock. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final double perSecond;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private double tokens;
    private long lastRefill;

    public RateLimit(double perSecond, InstantSource clock, Sleeper sleeper) {
        if (!(perSecond > 0)) {
            throw new InvalidStatException("rate limit must be positive, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.tokens = perSecond;
        this.lastRefill = clock.millis();
    }

    public static RateLimit unlimited() {
        return new RateLimit(Double.MAX_VALUE, InstantSource.system(), Thread::sleep);
    }

    /** Blocks until {@code units} may go. */
    public void acquire(long units) {
        refill();
        tokens -= units;
        while (tokens < 0) {
            long waitMillis = (long) Math.ceil(-tokens * 1000 / perSecond);
            try {
                sleeper.sleep(Math.max(1, waitMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while rate limited", e);
            }
            refill();
        }
    }

    private void refill() {
        long now = clock.millis();
        tokens = Math.min(perSecond, tokens + (now - lastRefill) * perSecond / 1000);
        lastRefill = now;
    }
}
