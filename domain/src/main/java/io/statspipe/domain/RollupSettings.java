package io.statspipe.domain;

import java.time.Duration;

/**
 * How the rollup treats event time.
 *
 * <ul>
 *   <li>{@code allowedLateness}: an event whose finest bucket ended more than this before the
 *       watermark (the latest event time seen) is <em>late</em>. It is still counted, in the next
 *       partial of its bucket, and reported as late.</li>
 *   <li>{@code horizon}: an event older than the watermark by more than this is refused (the
 *       caller dead-letters it with the reason). This bounds how many flushes can touch one
 *       bucket, which keeps partial slots distinct (see {@link PartialId#slot()}): with at most
 *       one flush per second, 6 hours is far below the 60,000 flushes a one-minute bucket
 *       allows.</li>
 * </ul>
 */
public record RollupSettings(Duration allowedLateness, Duration horizon) {
    public static final RollupSettings DEFAULTS = new RollupSettings(Duration.ofSeconds(10), Duration.ofHours(6));

    public RollupSettings {
        if (allowedLateness == null || allowedLateness.isNegative()) {
            throw new InvalidStatException("allowed lateness must be zero or positive, got " + allowedLateness);
        }
        if (horizon == null || horizon.compareTo(allowedLateness) <= 0) {
            throw new InvalidStatException("horizon " + horizon + " must be longer than the allowed lateness "
                    + allowedLateness);
        }
    }
}
