package io.statspipe.domain;

import static io.statspipe.domain.Generators.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelativeGaugeTest {
    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;
    private static final long M0 = T0 - T0 % MINUTE;
    private static final RollupSettings SETTINGS = new RollupSettings(Duration.ofSeconds(10), Duration.ofHours(6));
    private static final Series DEPTH = Series.of("queue.depth", "queue", "mail");

    @Test
    void aRelativeSampleChangesTheLevelAndTheBucketAggregatesTheLevels() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        rollup.accept(Event.gauge(DEPTH, M0, 10));
        rollup.accept(Event.gaugeChange(DEPTH, M0 + 1, 5));
        rollup.accept(Event.gaugeChange(DEPTH, M0 + 2, -3));

        Flush flush = rollup.flush(Origin.ofPartition(0, 0, 0));

        // levels 10, 15, 12
        assertThat(minuteOf(flush).aggregate()).isEqualTo(new GaugeAggregate(3, 37, 10, 15, 12, M0 + 2));
        assertThat(rollup.levels().snapshot()).containsOnly(entry(DEPTH, 12.0));
    }

    @Test
    void aSeriesFirstChangeStartsFromLevelZero() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        rollup.accept(Event.gaugeChange(DEPTH, M0, -4));

        assertThat(minuteOf(rollup.flush(Origin.ofPartition(0, 0, 0))).aggregate())
                .isEqualTo(new GaugeAggregate(1, -4, -4, -4, -4, M0));
    }

    @Test
    void changesApplyInEventOrderNotInTimestampOrder() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        rollup.accept(Event.gauge(DEPTH, M0 + 5, 100));
        rollup.accept(Event.gaugeChange(DEPTH, M0 + 1, 1)); // arrives later, stamped earlier: 101

        GaugeAggregate minute = (GaugeAggregate) minuteOf(rollup.flush(Origin.ofPartition(0, 0, 0))).aggregate();

        assertThat(minute.max()).isEqualTo(101);
        assertThat(minute.last()).isEqualTo(100); // the newest timestamp's level
        assertThat(rollup.levels().of(DEPTH)).isEqualTo(101);
    }

    @Test
    void levelsOutliveFlushesAndWindows() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        rollup.accept(Event.gaugeChange(DEPTH, M0, 7));
        rollup.flush(Origin.ofPartition(0, 0, 0), true); // every resolution cut: the window ends
        rollup.accept(Event.gaugeChange(DEPTH, M0 + MINUTE, 2));

        assertThat(minuteOf(rollup.flush(Origin.ofPartition(0, 1, 1))).aggregate())
                .isEqualTo(new GaugeAggregate(1, 9, 9, 9, 9, M0 + MINUTE));
    }

    @Test
    void aRangeReplayedFromItsRecordedLevelsRewritesIdenticalPartials() {
        List<Event> before = List.of(Event.gauge(DEPTH, M0, 3), Event.gaugeChange(DEPTH, M0 + 10, 0.1),
                Event.gaugeChange(Series.of("conns"), M0 + 20, 2));
        List<Event> range = List.of(Event.gaugeChange(DEPTH, M0 + HOUR, 0.2), Event.gaugeChange(DEPTH, M0 + HOUR, -1),
                Event.gauge(Series.of("conns"), M0 + HOUR + 1, 9), Event.gaugeChange(Series.of("conns"), M0 + HOUR + 2, 1));
        Rollup first = new Rollup(RuleSet.defaults(), SETTINGS);
        before.forEach(first::accept);
        first.flush(Origin.ofPartition(0, 0, 0), true);
        Map<Series, Double> recorded = first.levels().snapshot();
        long watermark = first.watermark();
        range.forEach(first::accept);
        Flush original = first.flush(Origin.ofPartition(0, 1, 3), true);

        Rollup replay = new Rollup(RuleSet.defaults(), SETTINGS, SeriesLimits.NONE, watermark,
                new GaugeLevels(recorded));
        range.forEach(replay::accept);

        assertThat(replay.flush(Origin.ofPartition(0, 1, 3), true).partials())
                .containsExactlyInAnyOrderElementsOf(original.partials());
        assertThat(replay.levels().snapshot()).isEqualTo(first.levels().snapshot())
                .containsOnly(entry(Series.of("conns"), 10.0), entry(DEPTH, 3 + 0.1 + 0.2 - 1));
    }

    @Test
    void aRefusedSampleLeavesTheLevelAlone() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS, SeriesLimits.NONE, M0 + 7 * HOUR, new GaugeLevels(
                Map.of(DEPTH, 1e18)));

        assertThat(rollup.accept(Event.gaugeChange(DEPTH, M0 + 7 * HOUR, 1e3))).isEqualTo(Rollup.Outcome.OUT_OF_RANGE);
        assertThat(rollup.accept(Event.gaugeChange(DEPTH, M0, -5))).isEqualTo(Rollup.Outcome.TOO_OLD);
        assertThat(rollup.levels().of(DEPTH)).isEqualTo(1e18);
        assertThat(rollup.accept(Event.gaugeChange(DEPTH, M0 + 7 * HOUR, -1e18))).isEqualTo(Rollup.Outcome.COUNTED);
        assertThat(rollup.levels().of(DEPTH)).isZero();
        assertThat(rollup.levels().snapshot()).isEmpty();
    }

    @Test
    void onlyAGaugeValueCanBeRelative() {
        assertThatThrownBy(() -> new Event(DEPTH, M0, Kind.COUNTER, 5, 1, true))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("only a gauge value can be relative (+N or -N), not a counter value of " + DEPTH);
    }

    @Test
    void aRecordedLevelBeyondTheValueRangeIsRefused() {
        assertThatThrownBy(() -> new GaugeLevels(Map.of(DEPTH, 2e18)))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("gauge level out of range: 2.0E18 is beyond +-1e18 for " + DEPTH);
    }

    private static Partial minuteOf(Flush flush) {
        return flush.partials().stream().filter(p -> p.id().resolution().equals(Resolution.MINUTE)).findFirst()
                .orElseThrow();
    }
}
