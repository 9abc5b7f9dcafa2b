package io.statspipe.adapter.kafka;

import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The agent's retries, as Failsafe policies started here: creating the topics, reading the spool
 * and handing records to the producer are each retried for as long as the agent runs (events wait
 * in the spool meanwhile, nothing is given up), with waits doubling from a first to a longest one.
 * The Kafka producer's own retries of a record it took are its business, set in
 * {@link KafkaForwarder}'s producer configuration.
 */
final class ForwardRetries {
    /** Creating the topics, and reading the spool again after a failed read. */
    static final Duration FIRST_DELAY = Duration.ofMillis(100);
    static final Duration MAX_DELAY = Duration.ofSeconds(5);
    /** Offering a record to a producer whose buffer is full or whose metadata is missing: it clears quickly. */
    static final Duration SEND_FIRST_DELAY = Duration.ofMillis(50);
    static final Duration SEND_MAX_DELAY = Duration.ofSeconds(2);

    private ForwardRetries() {
    }

    /** Retries without limit, waiting {@code first} doubled up to {@code max}, until {@code running} no longer holds. */
    static <T> RetryPolicyBuilder<T> whileRunning(Duration first, Duration max, BooleanSupplier running) {
        return RetryPolicy.<T>builder()
                .withBackoff(first, max)
                .withMaxRetries(-1)
                .abortIf((result, failure) -> !running.getAsBoolean());
    }
}
