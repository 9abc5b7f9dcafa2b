package io.statspipe.migration;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Phase;
import io.statspipe.ports.in.MigrationControlUseCase;
import io.statspipe.ports.in.MigrationStatus;
import io.statspipe.ports.in.PhaseChange;
import io.statspipe.ports.out.PhaseStorePort;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Moves the migration between phases, one step at a time, recording who, when and why. Every
 * advance is guarded by what must be true first; every phase before {@code NEW_ONLY} can be
 * rolled back one step.
 */
public final class MigrationControl implements MigrationControlUseCase {
    private final PhaseStorePort phases;
    private final MigrationLedger ledger;
    private final MigrationSettings settings;
    private final InstantSource clock;

    public MigrationControl(PhaseStorePort phases, MigrationLedger ledger, MigrationSettings settings, InstantSource clock) {
        this.phases = phases;
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public MigrationStatus status() {
        Phase phase = phases.current();
        return new MigrationStatus(phase, phases.history(), blockersOfAdvanceFrom(phase));
    }

    @Override
    public MigrationStatus advance(String who, String why) {
        Phase from = phases.current();
        Phase to = from.next().orElseThrow(() -> new InvalidStatException(
                "cannot advance from " + from + ": it is the final phase"));
        List<String> blockers = blockersOfAdvanceFrom(from);
        if (!blockers.isEmpty()) {
            throw new InvalidStatException("cannot advance from " + from + " to " + to + ": "
                    + String.join("; ", blockers));
        }
        phases.record(new PhaseChange(from, to, who, clock.instant(), why));
        return status();
    }

    @Override
    public MigrationStatus rollback(String who, String why) {
        Phase from = phases.current();
        Phase to = from.previous().orElseThrow(() -> new InvalidStatException(from == Phase.NEW_ONLY
                ? "cannot roll back from NEW_ONLY: the legacy store is no longer written, so the way back is gone"
                : "cannot roll back from " + from + ": it is the first phase"));
        phases.record(new PhaseChange(from, to, who, clock.instant(), why));
        return status();
    }

    /** What must still happen before the migration may leave {@code phase} forward; empty when nothing. */
    List<String> blockersOfAdvanceFrom(Phase phase) {
        List<String> blockers = new ArrayList<>();
        Optional<Instant> boundary = DualWriteBoundary.of(phases.history(), settings);
        switch (phase) {
            case DUAL_WRITE -> {
                Instant settled = boundary.orElseThrow().plus(settings.settleTime());
                if (clock.instant().isBefore(settled)) {
                    blockers.add("the legacy store is still settling: backfill of history before the dual-write boundary "
                            + boundary.get() + " may start at " + settled + " (late events may still change it until then)");
                }
            }
            case BACKFILL -> {
                Optional<MigrationLedger.Done> done = ledger.backfillCompleted();
                if (done.isEmpty()) {
                    blockers.add("no backfill has completed: run 'statspipe migrate backfill'");
                } else if (done.get().range().to() != boundary.orElseThrow().toEpochMilli()) {
                    blockers.add("the completed backfill ends at " + Instant.ofEpochMilli(done.get().range().to())
                            + ", not at the dual-write boundary " + boundary.get());
                }
            }
            case VERIFY -> {
                Optional<MigrationLedger.Done> backfilled = ledger.backfillCompleted();
                Optional<MigrationLedger.Done> clean = ledger.verifiedClean();
                if (backfilled.isEmpty()) {
                    blockers.add("no backfill has completed");
                } else if (clean.isEmpty()) {
                    blockers.add("no clean verification yet: run 'statspipe migrate verify' over the backfilled range "
                            + describe(backfilled.get()));
                } else if (clean.get().at().isBefore(backfilled.get().at())) {
                    blockers.add("the last clean verification (" + clean.get().at() + ") is older than the last backfill ("
                            + backfilled.get().at() + "): verify again");
                } else if (clean.get().range().from() > backfilled.get().range().from()
                        || clean.get().range().to() < backfilled.get().range().to()) {
                    blockers.add("the clean verification covers " + describe(clean.get())
                            + " but the backfilled range is " + describe(backfilled.get()) + ": verify the whole backfilled range");
                }
            }
            default -> {
                // LEGACY_ONLY and NEW_PRIMARY advance without preconditions; NEW_ONLY is final.
            }
        }
        return blockers;
    }

    private static String describe(MigrationLedger.Done done) {
        return Instant.ofEpochMilli(done.range().from()) + " to " + Instant.ofEpochMilli(done.range().to());
    }
}
