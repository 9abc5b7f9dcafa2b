package io.statspipe.domain;

import static io.statspipe.domain.Generators.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollupTest {
    private static final long MINUTE = 60_000;
    private static final long M0 = T0 - T0 % MINUTE;
    private static final RollupSettings SETTINGS = new RollupSettings(Duration.ofSeconds(10), Duration.ofHours(6));

    @Test
    void countsEveryEventIntoItsMinuteAndHourBuckets() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        Series home = Series.of("views", "page", "home");
        rollup.accept(Event.counter(home, M0, 2));
        rollup.accept(Event.counter(home, M0 + MINUTE - 1, 3));
        rollup.accept(Event.counter(home, M0 + MINUTE, 4));

        Flush flush = rollup.flush(Origin.ofPartition(0, 7, 100));

        // M0 is 13 minutes into its hour, so both minutes fall in one hour bucket.
        long hour = M0 - 13 * MINUTE;
        assertThat(counts(flush)).containsOnly(entry("1m@" + M0, 5L), entry("1m@" + (M0 + MINUTE), 4L),
                entry("1h@" + hour, 9L));
        assertThat(flush.events()).isEqualTo(3);
        assertThat(flush.partials()).allMatch(p -> p.id().origin().equals(Origin.ofPartition(0, 7, 100)));
    }

    @Test
    void coarserResolutionsStayOpenAcrossFinestFlushesAndFoldAsOneRange() {
        Series latency = Series.of("latency");
        Rollup cadenced = new Rollup(RuleSet.defaults(), SETTINGS);
        Rollup whole = new Rollup(RuleSet.defaults(), SETTINGS);
        double[] values = {0.1, 0.2, 1e9, 3.3, 1e-7, 0.7};
        for (int i = 0; i < values.length; i++) {
            Event e = Event.distribution(latency, M0 + i * 20_000L, values[i]);
            cadenced.accept(e);
            whole.accept(e);
            if (i % 2 == 1) {
                assertThat(cadenced.flush(Origin.ofPartition(0, i, i), false).partials())
                        .isNotEmpty().allMatch(p -> p.id().resolution().equals(Resolution.MINUTE));
            }
        }

        Flush coarse = cadenced.flush(Origin.ofPartition(0, 9, 9), true);
        Flush reference = whole.flush(Origin.ofPartition(0, 9, 9), true);

        // the hour folded event by event across three finest flushes is the one-pass hour, bit for bit
        assertThat(coarse.partials()).singleElement().satisfies(p -> assertThat(p).isEqualTo(
                reference.partials().stream().filter(r -> r.id().resolution().equals(Resolution.HOUR)).findFirst()
                        .orElseThrow()));
        assertThat(cadenced.isEmpty()).isTrue();
        assertThat(cadenced.openCells()).isZero();
    }

    @Test
    void bucketingNeverLosesOrAddsAnEvent() {
        qt().withExamples(200).forAll(lists().of(longs().between(0, 3 * 3_600_000L)).ofSizeBetween(1, 300),
                integers().between(1, 20)).checkAssert((offsets, series) -> {
            Rollup rollup = new Rollup(RuleSet.defaults(), new RollupSettings(Duration.ZERO, Duration.ofDays(365)));
            long produced = 0;
            for (int i = 0; i < offsets.size(); i++) {
                long increment = 1 + i % 5;
                rollup.accept(Event.counter(Series.of("c", "s", "s" + i % series), T0 + offsets.get(i), increment));
                produced += increment;
            }
            Flush flush = rollup.flush(Origin.ofPartition(1, 0, 0));
            for (Resolution r : List.of(Resolution.MINUTE, Resolution.HOUR)) {
                assertThat(flush.partials().stream().filter(p -> p.id().resolution().equals(r))
                        .mapToLong(p -> p.aggregate().count()).sum()).isEqualTo(produced);
            }
            assertThat(flush.partials()).allMatch(p -> p.id().bucket().contains(p.id().slot()));
        });
    }

    @Test
    void reAggregatingTheSameRangeGivesIdenticalPartials() {
        List<Event> range = randomEvents(new Random(42), 5_000);
        Origin origin = Origin.ofPartition(3, 12, 5_000);

        Flush first = aggregate(range, origin);
        Flush replay = aggregate(range, origin);

        assertThat(replay.partials()).containsExactlyInAnyOrderElementsOf(first.partials());
        assertThat(replay.partials()).extracting(p -> p.id().slot())
                .containsExactlyInAnyOrderElementsOf(first.partials().stream().map(p -> p.id().slot()).toList());
    }

    @Test
    void successiveFlushesOfOneStreamWriteABucketAtDistinctSlots() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        Series s = Series.of("views");
        List<Long> slots = new ArrayList<>();
        for (int seq = 0; seq < 50; seq++) {
            rollup.accept(Event.counter(s, M0 + seq, 1));
            Flush f = rollup.flush(Origin.ofPartition(0, seq, seq));
            f.partials().stream().filter(p -> p.id().resolution().equals(Resolution.MINUTE))
                    .forEach(p -> slots.add(p.id().slot()));
        }
        assertThat(slots).hasSize(50).doesNotHaveDuplicates().allMatch(slot -> slot >= M0 && slot < M0 + MINUTE);
    }

    @Test
    void lateEventsAreCountedInTheNextPartialAndReportedAsLate() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        Series s = Series.of("views");
        rollup.accept(Event.counter(s, M0 + 5_000, 1));
        rollup.flush(Origin.ofPartition(0, 0, 0));
        rollup.accept(Event.counter(s, M0 + 5 * MINUTE, 1));

        Rollup.Outcome withinLateness = rollup.accept(Event.counter(s, M0 + 4 * MINUTE + 59_000, 1));
        Rollup.Outcome late = rollup.accept(Event.counter(s, M0 + 10_000, 1));
        Flush second = rollup.flush(Origin.ofPartition(0, 1, 1));

        assertThat(withinLateness).isEqualTo(Rollup.Outcome.COUNTED);
        assertThat(late).isEqualTo(Rollup.Outcome.LATE);
        assertThat(second.lateEvents()).isEqualTo(1);
        assertThat(second.events()).isEqualTo(3);
        assertThat(second.partials()).anyMatch(p -> p.id().resolution().equals(Resolution.MINUTE)
                && p.id().bucket().start() == M0 && p.aggregate().count() == 1);
    }

    @Test
    void eventsBeyondTheHorizonOrTooFarInTheFutureAreRefusedNotCounted() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        Series s = Series.of("views");
        rollup.refuseAfter(M0 + 3_600_000);
        rollup.accept(Event.counter(s, M0 + 3_000_000, 1));

        assertThat(rollup.accept(Event.counter(s, M0 + 3_000_000 - 7 * 3_600_000L, 1))).isEqualTo(Rollup.Outcome.TOO_OLD);
        assertThat(rollup.accept(Event.counter(s, M0 + 3_600_001, 1))).isEqualTo(Rollup.Outcome.TOO_NEW);
        Flush flush = rollup.flush(Origin.ofPartition(0, 0, 0));
        assertThat(flush.refusedEvents()).isEqualTo(2);
        assertThat(flush.events()).isEqualTo(1);
        assertThat(flush.partials()).allMatch(p -> p.aggregate().count() == 1);
    }

    @Test
    void aReplayThatStartsFromTheRecordedWatermarkMakesTheSameDecisions() {
        Series s = Series.of("views");
        Rollup live = new Rollup(RuleSet.defaults(), SETTINGS);
        live.accept(Event.counter(s, M0 + 10 * MINUTE, 1));
        Flush first = live.flush(Origin.ofPartition(0, 0, 0));
        List<Event> range = List.of(Event.counter(s, M0, 1), Event.counter(s, M0 + 11 * MINUTE, 1));
        range.forEach(live::accept);
        Flush second = live.flush(Origin.ofPartition(0, 1, 1));

        Rollup replay = new Rollup(RuleSet.defaults(), SETTINGS, second.watermarkAtStart());
        range.forEach(replay::accept);
        Flush replayed = replay.flush(Origin.ofPartition(0, 1, 1));

        assertThat(second.watermarkAtStart()).isEqualTo(first.watermarkAtEnd());
        assertThat(replayed.lateEvents()).isEqualTo(second.lateEvents()).isEqualTo(1);
        assertThat(replayed.partials()).containsExactlyInAnyOrderElementsOf(second.partials());
    }

    @Test
    void rollupRulesAggregateManySeriesIntoOneAndKeepOnlyTheirTags() {
        RollupRule bySite = new RollupRule("by-site", MetricPattern.of("views"), Map.of(), KeepTags.only("site"),
                List.of(Resolution.HOUR), EnumSet.allOf(Aggregation.Type.class), "{metric}.by_site");
        RuleSet rules = new RuleSet(List.of(RollupRule.identity("raw", List.of(Resolution.MINUTE)), bySite));
        Rollup rollup = new Rollup(rules, SETTINGS);
        rollup.accept(Event.counter(Series.of("views", "site", "1", "page", "a"), M0, 2));
        rollup.accept(Event.counter(Series.of("views", "site", "1", "page", "b"), M0 + 1, 3));

        Flush flush = rollup.flush(Origin.ofPartition(0, 0, 0));

        assertThat(flush.partials()).filteredOn(p -> p.id().series().metric().equals("views.by_site"))
                .singleElement().satisfies(p -> {
                    assertThat(p.id().series()).isEqualTo(Series.of("views.by_site", "site", "1"));
                    assertThat(p.aggregate()).isEqualTo(new CounterAggregate(5));
                });
        assertThat(flush.partials()).filteredOn(p -> p.id().series().metric().equals("views")).hasSize(2);
        assertThatThrownBy(() -> rollup.accept(Event.counter(Series.of("views.by_site", "site", "1"), M0, 1)))
                .hasMessage("metric name 'views.by_site' is reserved: rule 'by-site' writes it");
    }

    @Test
    void gaugesAndDistributionsAggregateTheirSamples() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        Series temp = Series.of("temperature");
        Series latency = Series.of("latency");
        rollup.accept(Event.gauge(temp, M0 + 2, 20));
        rollup.accept(Event.gauge(temp, M0 + 1, 25));
        rollup.accept(new Event(latency, M0, Kind.DISTRIBUTION, 100, 0.5));
        rollup.accept(Event.distribution(latency, M0, 300));

        Flush flush = rollup.flush(Origin.ofPartition(0, 0, 0));

        Partial gauge = minutePartialOf(flush, temp);
        assertThat(gauge.aggregate()).isEqualTo(new GaugeAggregate(2, 45, 20, 25, 20, M0 + 2));
        DistributionAggregate d = (DistributionAggregate) minutePartialOf(flush, latency).aggregate();
        assertThat(d.count()).isEqualTo(3);
        assertThat(d.sum()).isEqualTo(500);
        assertThat(d.min()).isEqualTo(100);
        assertThat(d.max()).isEqualTo(300);
        assertThat(d.sketch().quantile(0.5)).isBetween(99.0, 101.0);
    }

    @Test
    void aFlushEmptiesTheRollup() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        rollup.accept(Event.counter(Series.of("views"), M0, 1));
        assertThat(rollup.openCells()).isEqualTo(2);

        rollup.flush(Origin.ofPartition(0, 0, 0));

        assertThat(rollup.isEmpty()).isTrue();
        assertThat(rollup.openCells()).isZero();
        assertThat(rollup.flush(Origin.ofPartition(0, 1, 1)).partials()).isEmpty();
    }

    @Test
    void producerSequencesRecogniseResentBatches() {
        ProducerSequences seen = new ProducerSequences();
        assertThat(seen.firstTime(new BatchId("agent-a", 1))).isTrue();
        assertThat(seen.firstTime(new BatchId("agent-a", 2))).isTrue();
        assertThat(seen.firstTime(new BatchId("agent-a", 2))).isFalse();
        assertThat(seen.firstTime(new BatchId("agent-a", 1))).isFalse();
        assertThat(seen.firstTime(new BatchId("agent-b", 1))).isTrue();

        ProducerSequences restored = new ProducerSequences(seen.snapshot());
        assertThat(restored.firstTime(new BatchId("agent-a", 2))).isFalse();
        assertThat(restored.firstTime(new BatchId("agent-a", 3))).isTrue();
    }

    @Test
    void everyEventOfASeriesGoesToTheSamePartition() {
        qt().forAll(integers().between(1, 64), integers().between(0, 1000)).checkAssert((partitions, i) -> {
            Series a = Series.of("m" + i, "x", "1", "y", "2");
            Series b = Series.of("m" + i, "y", "2", "x", "1");
            int p = SeriesPartitioner.partitionOf(a, partitions);
            assertThat(p).isEqualTo(SeriesPartitioner.partitionOf(b, partitions)).isBetween(0, partitions - 1);
        });
        int[] load = new int[8];
        for (int i = 0; i < 8_000; i++) {
            load[SeriesPartitioner.partitionOf(Series.of("m", "id", "s" + i), 8)]++;
        }
        assertThat(java.util.Arrays.stream(load).boxed().toList()).allMatch(n -> n > 800 && n < 1200);
    }

    private static Partial minutePartialOf(Flush flush, Series s) {
        return flush.partials().stream()
                .filter(p -> p.id().series().equals(s) && p.id().resolution().equals(Resolution.MINUTE))
                .findFirst().orElseThrow();
    }

    private static Flush aggregate(List<Event> events, Origin origin) {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS, T0);
        events.forEach(rollup::accept);
        return rollup.flush(origin);
    }

    private static List<Event> randomEvents(Random random, int n) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Series s = Series.of("m" + random.nextInt(5), "site", "s" + random.nextInt(20));
            long ts = T0 + random.nextInt(3 * 3_600_000);
            events.add(switch (random.nextInt(3)) {
                case 0 -> Event.counter(s, ts, 1 + random.nextInt(3));
                case 1 -> Event.gauge(s, ts, random.nextInt(100));
                default -> Event.distribution(s, ts, random.nextInt(10_000) / 10.0);
            });
        }
        return events;
    }

    private static Map<String, Long> counts(Flush flush) {
        Map<String, Long> counts = new HashMap<>();
        flush.partials().forEach(p -> counts.merge(p.id().resolution() + "@" + p.id().bucket().start(),
                p.aggregate().count(), Long::sum));
        return counts;
    }
}
