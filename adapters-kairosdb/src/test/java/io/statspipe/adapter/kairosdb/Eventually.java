package io.statspipe.adapter.kairosdb;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.assertj.core.api.Assertions;

/** KairosDB makes writes visible asynchronously: tests poll until a read gives what they expect, with a deadline. */
final class Eventually {
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private Eventually() {
    }

    /** Polls {@code read} until it equals {@code expected}; then asserts equality (so a timeout shows the difference). */
    static <T> void assertEventuallyEquals(Supplier<T> read, T expected) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T actual = read.get();
        while (!Objects.equals(actual, expected) && System.nanoTime() < deadline) {
            pause();
            actual = read.get();
        }
        Assertions.assertThat(actual).isEqualTo(expected);
    }

    /** Polls until {@code condition} holds; fails with {@code what} at the deadline. */
    static void await(String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                Assertions.fail("not within " + DEADLINE + ": " + what);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
