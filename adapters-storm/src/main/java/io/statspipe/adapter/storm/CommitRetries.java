package io.statspipe.adapter.storm;

import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import io.statspipe.ports.out.ContentRefusedException;
import io.statspipe.ports.out.StreamTakenOverException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every retry of the topology, as Failsafe policies built here and nowhere else: the commit of a
 * flush (record the intent, write, dead-letter, complete), a partial the store refuses, the
 * read-back of what was written, and opening the intents topic. The waits between tries double
 * from {@code first} up to {@code max}; tests pass short ones.
 *
 * <p>Why a commit retries forever: nothing may be dropped, and while a flush waits its input
 * stays unacked, so the spout throttles instead of losing events. Two failures are never retried
 * as "unavailable": the store refusing content (it would refuse it again; see
 * {@link FlushCommitter#REFUSALS_BEFORE_DEAD_LETTER}) and a stream another owner took over.
 */
record CommitRetries(Duration first, Duration max) {
    static final Duration FIRST_DELAY = Duration.ofMillis(100);
    static final Duration MAX_DELAY = Duration.ofSeconds(10);
    static final CommitRetries DEFAULT = new CommitRetries(FIRST_DELAY, MAX_DELAY);
    /** A written point is visible 0.5–1.5 s after KairosDB answered: look often at first, then once a second. */
    static final Duration READ_BACK_FIRST_DELAY = Duration.ofMillis(50);
    static final Duration READ_BACK_MAX_DELAY = Duration.ofSeconds(1);
    /** A failure that goes on is logged at the first try and then every this many: visible, not flooding. */
    private static final int WARN_EVERY = 10;
    private static final Logger LOG = LoggerFactory.getLogger(CommitRetries.class);

    CommitRetries {
        if (first.isNegative() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("retry delays must be 0 <= first <= max, got first " + first + ", max " + max);
        }
    }

    /**
     * Retries {@code what} until it succeeds or {@code stopped} holds; every failure is reported to
     * {@code onFailure}. A refused content and a taken-over stream are thrown at once.
     */
    <T> RetryPolicy<T> untilStopped(String what, BooleanSupplier stopped, Runnable onFailure) {
        return delays(RetryPolicy.<T>builder(), first, max)
                .handleIf(e -> e instanceof RuntimeException && !(e instanceof ContentRefusedException)
                        && !(e instanceof StreamTakenOverException))
                .withMaxRetries(-1)
                .abortIf((result, failure) -> stopped.getAsBoolean())
                .onFailedAttempt(e -> {
                    onFailure.run();
                    if (e.getAttemptCount() == 1 || e.getAttemptCount() % WARN_EVERY == 0) {
                        LOG.warn("cannot {} (attempt {}): {}; retrying, input stays unacked meanwhile", what,
                                e.getAttemptCount(), e.getLastException().toString());
                    }
                })
                .onSuccess(e -> {
                    if (e.getAttemptCount() > 1) {
                        LOG.info("recovered: {} succeeded after {} attempts", what, e.getAttemptCount());
                    }
                })
                .build();
    }

    /**
     * Tries a write of one partial the store refuses up to {@code tries} times (a refusal may be a
     * fluke once); every refusal is reported to {@code onRefusal}. Only refusals are retried here:
     * an unavailable store is retried inside each try by {@link #untilStopped}.
     */
    RetryPolicy<Object> refusals(int tries, BooleanSupplier stopped, Runnable onRefusal) {
        return delays(RetryPolicy.builder(), first, max)
                .handle(ContentRefusedException.class)
                .withMaxAttempts(tries)
                .abortIf((result, failure) -> stopped.getAsBoolean())
                .onFailedAttempt(e -> onRefusal.run())
                .build();
    }

    /**
     * Asks again until the partials are readable back ({@code true}), {@code within} passed, or
     * {@code stopped} holds; a failed check counts as not yet readable.
     */
    static RetryPolicy<Boolean> untilReadable(String what, Duration within, BooleanSupplier stopped) {
        return delays(RetryPolicy.<Boolean>builder(), READ_BACK_FIRST_DELAY, READ_BACK_MAX_DELAY)
                .handleResult(false)
                .handle(RuntimeException.class)
                .withMaxRetries(-1)
                .withMaxDuration(within)
                .abortIf((result, failure) -> stopped.getAsBoolean())
                .onFailedAttempt(e -> {
                    if (e.getLastException() != null) {
                        LOG.debug("read-back of {} failed: {}", what, e.getLastException().toString());
                    }
                })
                .build();
    }

    private static <T> RetryPolicyBuilder<T> delays(RetryPolicyBuilder<T> builder, Duration first, Duration max) {
        if (first.compareTo(max) < 0 && !first.isZero()) {
            return builder.withBackoff(first, max);
        }
        return first.isZero() ? builder : builder.withDelay(first);
    }
}
