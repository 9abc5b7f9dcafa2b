package io.statspipe.migration;

import io.statspipe.domain.Partial;
import io.statspipe.domain.Phase;
import io.statspipe.ports.out.PhaseStorePort;
import io.statspipe.ports.out.WritePartialsPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The aggregate store the topology writes to during the migration: the same partials go to the
 * legacy store and/or the new store as the current phase says. The new store receives only
 * buckets from the dual-write boundary on (earlier ones come from backfill, see
 * {@link DualWriteBoundary}).
 *
 * <p>Both writes are idempotent, so there is no transaction: if either fails the whole batch
 * fails, the topology replays it, and the replay converges both stores.
 */
public final class DualWriteStore implements WritePartialsPort {
    private final WritePartialsPort legacy;
    private final WritePartialsPort fresh;
    private final PhaseStorePort phases;
    private final MigrationSettings settings;

    public DualWriteStore(WritePartialsPort legacy, WritePartialsPort newStore, PhaseStorePort phases,
                          MigrationSettings settings) {
        this.legacy = legacy;
        this.fresh = newStore;
        this.phases = phases;
        this.settings = settings;
    }

    @Override
    public void write(List<Partial> partials) {
        // Read the phase on every batch: a phase change takes effect at the next flush.
        Phase phase = phases.current();
        if (phase.writesLegacy()) {
            legacy.write(partials);
        }
        List<Partial> fromBoundary = forNewStore(partials, phase, phases, settings);
        if (!fromBoundary.isEmpty()) {
            fresh.write(fromBoundary);
        }
    }

    /**
     * The partials that phase {@code phase} sends to the new store: none before dual writing,
     * those of buckets from the dual-write boundary on while both stores are written, all of
     * them once only the new store is. What a read-back of the new store has to find.
     */
    public static List<Partial> forNewStore(List<Partial> partials, Phase phase, PhaseStorePort phases,
                                            MigrationSettings settings) {
        if (!phase.writesNew()) {
            return List.of();
        }
        if (phase == Phase.NEW_ONLY) {
            return partials;
        }
        Optional<Instant> boundary = DualWriteBoundary.of(phases.history(), settings);
        if (boundary.isEmpty()) {
            return partials;
        }
        long from = boundary.get().toEpochMilli();
        List<Partial> kept = new ArrayList<>(partials.size());
        for (Partial p : partials) {
            if (p.id().bucket().start() >= from) {
                kept.add(p);
            }
        }
        return kept;
    }
}
