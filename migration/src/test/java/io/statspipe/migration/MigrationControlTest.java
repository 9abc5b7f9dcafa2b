package io.statspipe.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Phase;
import io.statspipe.ports.fixtures.InMemoryPhaseStore;
import io.statspipe.ports.fixtures.InMemoryProgress;
import io.statspipe.ports.in.PhaseChange;
import io.statspipe.ports.in.TimeRange;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigrationControlTest {
    private static final Instant SWITCH = Instant.parse("2026-03-01T10:20:00Z");
    private static final Instant BOUNDARY = Instant.parse("2026-03-01T11:00:00Z");
    private static final MigrationSettings SETTINGS = new MigrationSettings(Duration.ofMinutes(15), Duration.ofHours(6));

    private final ManualClock clock = new ManualClock(SWITCH);
    private final InMemoryPhaseStore phases = new InMemoryPhaseStore();
    private final MigrationLedger ledger = new MigrationLedger(new InMemoryProgress());
    private MigrationControl control;

    @BeforeEach
    void start() {
        control = new MigrationControl(phases, ledger, SETTINGS, clock);
    }

    @Test
    void theBoundaryIsTheFirstWholeHourAfterTheSwitchAndMargin() {
        control.advance("ops", "start dual-write");

        assertThat(DualWriteBoundary.of(phases.history(), SETTINGS)).contains(BOUNDARY);
    }

    @Test
    void backfillWaitsUntilTheLegacyStoreHasSettled() {
        control.advance("ops", "start dual-write");

        assertThatThrownBy(() -> control.advance("ops", "backfill"))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("cannot advance from DUAL_WRITE to BACKFILL: the legacy store is still settling: backfill of"
                        + " history before the dual-write boundary 2026-03-01T11:00:00Z may start at 2026-03-01T17:00:00Z"
                        + " (late events may still change it until then)");
        clock.set(BOUNDARY.plus(Duration.ofHours(6)));
        assertThat(control.advance("ops", "backfill").phase()).isEqualTo(Phase.BACKFILL);
    }

    @Test
    void anUnverifiedAdvanceIsRefusedWithWhatIsMissing() {
        toBackfill();
        assertThatThrownBy(() -> control.advance("ops", "verify"))
                .hasMessage("cannot advance from BACKFILL to VERIFY: no backfill has completed: run 'statspipe migrate backfill'");
        TimeRange backfilled = new TimeRange(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), BOUNDARY.toEpochMilli());
        ledger.backfillCompleted(backfilled, clock.instant());
        control.advance("ops", "verify");

        assertThat(control.status().blockers()).singleElement().asString()
                .startsWith("no clean verification yet: run 'statspipe migrate verify' over the backfilled range 2026-01-01T00:00:00Z");
        assertThatThrownBy(() -> control.advance("ops", "read new")).hasMessageContaining("no clean verification yet");

        ledger.verifiedClean(new TimeRange(backfilled.from() + 86_400_000L, backfilled.to()), clock.instant());
        assertThatThrownBy(() -> control.advance("ops", "read new")).hasMessageContaining("verify the whole backfilled range");

        clock.advance(1000);
        ledger.backfillCompleted(backfilled, clock.instant());
        ledger.verifiedClean(backfilled, clock.instant().minusMillis(1));
        assertThatThrownBy(() -> control.advance("ops", "read new")).hasMessageContaining("is older than the last backfill");

        ledger.verifiedClean(backfilled, clock.instant());
        assertThat(control.advance("ops", "read new").phase()).isEqualTo(Phase.NEW_PRIMARY);
    }

    @Test
    void everyPhaseBeforeNewOnlyRollsBackAndEveryChangeIsRecorded() {
        control.advance("alice", "start dual-write");
        assertThat(control.rollback("bob", "legacy load too high").phase()).isEqualTo(Phase.LEGACY_ONLY);

        assertThat(phases.history()).extracting(PhaseChange::from, PhaseChange::to, PhaseChange::who, PhaseChange::why)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "alice", "start dual-write"),
                        org.assertj.core.groups.Tuple.tuple(Phase.DUAL_WRITE, Phase.LEGACY_ONLY, "bob", "legacy load too high"));
        assertThatThrownBy(() -> control.rollback("bob", "again")).hasMessage("cannot roll back from LEGACY_ONLY: it is the first phase");
    }

    @Test
    void newOnlyCannotBeRolledBack() {
        toBackfill();
        TimeRange backfilled = new TimeRange(0, BOUNDARY.toEpochMilli());
        ledger.backfillCompleted(backfilled, clock.instant());
        control.advance("ops", "verify");
        ledger.verifiedClean(backfilled, clock.instant());
        control.advance("ops", "read new");
        control.advance("ops", "stop legacy");

        assertThatThrownBy(() -> control.rollback("ops", "oops"))
                .hasMessage("cannot roll back from NEW_ONLY: the legacy store is no longer written, so the way back is gone");
        assertThatThrownBy(() -> control.advance("ops", "further")).hasMessage("cannot advance from NEW_ONLY: it is the final phase");
    }

    private void toBackfill() {
        control.advance("ops", "start dual-write");
        clock.set(BOUNDARY.plus(Duration.ofHours(6)));
        control.advance("ops", "backfill");
    }
}
