package io.statspipe.adapter.kafka;

import io.statspipe.domain.InvalidStatException;
import java.time.Duration;

/**
 * How long, and how many, requests' {@code Idempotency-Key}s the agent remembers with their
 * answers: a repeat of a key still in the window is answered as the first time and counts nothing.
 * A key leaves the window when it is older than {@code age}, when {@code maxKeys} newer keys are
 * kept, or when the kept answers take more than {@code maxAnswerBytes}, whichever comes first.
 *
 * @param age how long a key is remembered (24 h by default: a client's retries, even across a night's outage)
 * @param maxKeys the most keys remembered (100,000 by default: a key with a plain 200 answer takes a few
 *                hundred bytes, so some tens of MiB)
 * @param maxAnswerBytes the most bytes of answers remembered (64 MiB by default): answers that list refusals
 *                       are larger, and this bounds the memory whatever they hold
 */
public record IdempotencyWindow(Duration age, int maxKeys, long maxAnswerBytes) {
    public static final IdempotencyWindow DEFAULT = new IdempotencyWindow(Duration.ofHours(24), 100_000, 64L << 20);

    public IdempotencyWindow {
        if (age == null || age.isNegative() || age.isZero()) {
            throw new InvalidStatException("the idempotency window must be positive, got " + age);
        }
        if (maxKeys < 1) {
            throw new InvalidStatException("the idempotency window must keep at least 1 key, got " + maxKeys);
        }
        if (maxAnswerBytes < 1) {
            throw new InvalidStatException("the idempotency window must keep answers of at least 1 byte, got " + maxAnswerBytes);
        }
    }
}
