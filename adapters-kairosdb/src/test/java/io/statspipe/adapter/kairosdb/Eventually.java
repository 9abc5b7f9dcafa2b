package io.statspipe.adapter.kairosdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/** KairosDB makes writes visible asynchronously: tests poll until a read gives what they expect, with a deadline. */
final class Eventually {
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration PAUSE = Duration.ofMillis(200);

    private Eventually() {
    }

    /** Polls {@code read} until it equals {@code expected}; a timeout shows the last difference. */
    static <T> void assertEventuallyEquals(Supplier<T> read, T expected) {
        Awaitility.await().atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(PAUSE).untilAsserted(() -> assertThat(read.get()).isEqualTo(expected));
    }

    /** Polls until {@code condition} holds; fails with {@code what} at the deadline. */
    static void await(String what, Supplier<Boolean> condition) {
        Awaitility.await(what).atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(PAUSE).until(condition::get);
    }
}
