package io.statspipe.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Phase;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.fixtures.InMemoryPhaseStore;
import io.statspipe.ports.in.PhaseChange;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.EngineUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DualWriteAndRoutingTest {
    private static final Instant SWITCH = Instant.parse("2026-03-01T10:20:00Z");
    private static final long BOUNDARY = Instant.parse("2026-03-01T11:00:00Z").toEpochMilli();
    private static final MigrationSettings SETTINGS = new MigrationSettings(Duration.ofMinutes(15), Duration.ofHours(6));

    private final InMemoryAggregateStore legacy = new InMemoryAggregateStore();
    private final InMemoryAggregateStore fresh = new InMemoryAggregateStore();
    private final InMemoryPhaseStore phases = new InMemoryPhaseStore();
    private final DualWriteStore store = new DualWriteStore(legacy, fresh, phases, SETTINGS);

    @Test
    void legacyOnlyWritesTheLegacyStoreOnly() {
        store.write(partials(BOUNDARY + 60_000, 0));

        assertThat(legacy.storedPoints()).isEqualTo(2);
        assertThat(fresh.storedPoints()).isZero();
    }

    @Test
    void dualWriteSendsTheNewStoreOnlyBucketsFromTheBoundaryOn() {
        phases.record(new PhaseChange(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "ops", SWITCH, "start"));

        store.write(partials(BOUNDARY - 60_000, 0));
        store.write(partials(BOUNDARY, 1));

        assertThat(legacy.storedPoints()).isEqualTo(4);
        assertThat(fresh.query(minutes()).get(0).points()).containsExactly(new Point(BOUNDARY, 3));
        assertThat(legacy.query(minutes()).get(0).points())
                .containsExactly(new Point(BOUNDARY - 60_000, 3), new Point(BOUNDARY, 3));
    }

    @Test
    void whatTheNewStoreMustHoldIsExactlyWhatThePhaseSendsIt() {
        List<Partial> before = partials(BOUNDARY - 60_000, 0);
        List<Partial> after = partials(BOUNDARY, 1);
        List<Partial> both = new ArrayList<>(before);
        both.addAll(after);

        assertThat(DualWriteStore.forNewStore(both, Phase.LEGACY_ONLY, phases, SETTINGS)).isEmpty();
        phases.record(new PhaseChange(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "ops", SWITCH, "start"));
        assertThat(DualWriteStore.forNewStore(both, Phase.DUAL_WRITE, phases, SETTINGS)).isEqualTo(after);
        store.write(both);
        assertThat(fresh.storedPoints()).as("the store wrote what the read-back will look for")
                .isEqualTo(after.size());
        assertThat(DualWriteStore.forNewStore(both, Phase.NEW_ONLY, phases, SETTINGS)).isEqualTo(both);
    }

    @Test
    void aFailureOfEitherStoreFailsTheBatchAndItsReplayConvergesBoth() {
        phases.record(new PhaseChange(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "ops", SWITCH, "start"));
        List<Partial> batch = partials(BOUNDARY, 0);
        fresh.goDown();

        assertThatThrownBy(() -> store.write(batch)).isInstanceOf(EngineUnavailableException.class);
        fresh.comeBack();
        store.write(batch);

        assertThat(legacy.query(minutes())).isEqualTo(fresh.query(minutes()));
        assertThat(fresh.query(minutes()).get(0).points()).containsExactly(new Point(BOUNDARY, 3));
    }

    @Test
    void readsFollowThePrimaryAndShadowModeRecordsDifferences() {
        List<PhaseRoutedQueries.ShadowDifference> differences = new ArrayList<>();
        PhaseRoutedQueries queries = new PhaseRoutedQueries(legacy, fresh, phases, true, differences::add);
        legacy.write(partials(BOUNDARY, 0));

        assertThat(queries.query(minutes()).get(0).points()).containsExactly(new Point(BOUNDARY, 3));
        assertThat(differences).as("the new store is not written in LEGACY_ONLY: nothing to shadow").isEmpty();

        phases.record(new PhaseChange(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "ops", SWITCH, "start"));
        assertThat(queries.query(minutes()).get(0).points()).containsExactly(new Point(BOUNDARY, 3));
        assertThat(differences).singleElement().satisfies(d -> {
            assertThat(d.primary()).isEqualTo(Phase.Store.LEGACY);
            assertThat(d.shadowAnswer()).isEmpty();
        });

        fresh.write(partials(BOUNDARY, 0));
        assertThat(queries.query(minutes())).isEqualTo(legacy.query(minutes()));
        assertThat(differences).hasSize(1);
    }

    @Test
    void readsMoveToTheNewStoreAtNewPrimary() {
        PhaseRoutedQueries queries = new PhaseRoutedQueries(legacy, fresh, phases, false, d -> { });
        legacy.write(partials(BOUNDARY, 0));
        phases.record(new PhaseChange(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "ops", SWITCH, "start"));
        phases.record(new PhaseChange(Phase.DUAL_WRITE, Phase.BACKFILL, "ops", SWITCH, "go"));
        phases.record(new PhaseChange(Phase.BACKFILL, Phase.VERIFY, "ops", SWITCH, "go"));
        phases.record(new PhaseChange(Phase.VERIFY, Phase.NEW_PRIMARY, "ops", SWITCH, "go"));

        assertThat(queries.query(minutes())).isEmpty();
    }

    private static StatsQuery minutes() {
        return StatsQuery.of("views", Kind.COUNTER, new TimeRange(BOUNDARY - 3_600_000, BOUNDARY + 3_600_000),
                Resolution.MINUTE, Aggregation.COUNT);
    }

    private static List<Partial> partials(long at, long seq) {
        Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS);
        rollup.accept(Event.counter(Series.of("views", "site", "1"), at, 3));
        return rollup.flush(Origin.ofPartition(0, seq, seq)).partials();
    }
}
