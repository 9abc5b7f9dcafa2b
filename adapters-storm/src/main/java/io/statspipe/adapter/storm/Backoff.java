package io.statspipe.adapter.storm;

import java.time.Duration;

/** Exponential backoff between retries, doubling from {@code first} up to {@code max}. */
record Backoff(Duration first, Duration max) {
    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    long delayMillis(int attempt) {
        long delay = first.toMillis() << Math.min(attempt, 20);
        return Math.min(delay, max.toMillis());
    }
}
