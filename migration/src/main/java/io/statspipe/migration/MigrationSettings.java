package io.statspipe.migration;

import io.statspipe.domain.InvalidStatException;
import java.time.Duration;

/**
 * How the migration places its boundary.
 *
 * <ul>
 *   <li>{@code switchMargin}: the dual-write boundary is the first full hour at least this long
 *       after the switch to {@code DUAL_WRITE}. It must exceed the time the topology needs to
 *       see a new phase (a few flush intervals) plus the clock skew it accepts for future
 *       events, so that every bucket from the boundary on is dual-written from its first event.</li>
 *   <li>{@code settleTime}: backfill may start only this long after the boundary. It must be at
 *       least the rollup's horizon: after it, no event for a bucket before the boundary is
 *       accepted any more, so the legacy store's buckets there no longer change.</li>
 * </ul>
 */
public record MigrationSettings(Duration switchMargin, Duration settleTime) {
    public static final MigrationSettings DEFAULTS = new MigrationSettings(Duration.ofMinutes(15), Duration.ofHours(6));

    public MigrationSettings {
        if (switchMargin == null || switchMargin.isNegative() || settleTime == null || settleTime.isNegative()) {
            throw new InvalidStatException("migration switch margin and settle time must be zero or positive, got "
                    + switchMargin + " and " + settleTime);
        }
    }
}
