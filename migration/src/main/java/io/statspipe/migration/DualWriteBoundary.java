package io.statspipe.migration;

import io.statspipe.domain.Phase;
import io.statspipe.ports.in.PhaseChange;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The instant that splits history between backfill and dual-write, at hour granularity.
 *
 * <p>Buckets that start before the boundary reach the new store only through backfill; buckets
 * from the boundary on only through dual-write. The boundary is a whole hour because the hour
 * is the coarsest resolution both stores keep: an hour bucket is then entirely on one side, and
 * so is each of its minutes. It is derived from the phase history (the latest switch to
 * {@code DUAL_WRITE} plus the switch margin, rounded up to the hour), so every process that
 * reads the same history agrees on it without storing anything else.
 */
public final class DualWriteBoundary {
    private static final long HOUR = 3_600_000L;

    private DualWriteBoundary() {
    }

    public static Optional<Instant> of(List<PhaseChange> history, MigrationSettings settings) {
        Optional<Instant> switched = Optional.empty();
        for (PhaseChange change : history) {
            if (change.to() == Phase.DUAL_WRITE && change.from() == Phase.LEGACY_ONLY) {
                switched = Optional.of(change.at());
            }
        }
        return switched.map(at -> {
            long earliest = at.plus(settings.switchMargin()).toEpochMilli();
            return Instant.ofEpochMilli(Math.floorDiv(earliest + HOUR - 1, HOUR) * HOUR);
        });
    }
}
