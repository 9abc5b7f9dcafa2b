package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.adapter.storm.PartitionCounter.Admission;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.KeepTags;
import io.statspipe.domain.MetricPattern;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesLimits;
import io.statspipe.ports.out.DeadLetter;
import io.statspipe.ports.out.FlushIntentPort.IntentState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartitionCounterTest {
    static final long T0 = 1_700_000_000_000L;
    final TextBatchFormat format = new TextBatchFormat();
    final List<byte[]> log = new ArrayList<>();

    PartitionCounter counter() {
        return new PartitionCounter(3, RuleSet.defaults(), RollupSettings.DEFAULTS, format, 300_000, 10_000);
    }

    void append(String producer, long seq, long... timestamps) {
        List<Event> events = new ArrayList<>();
        for (long ts : timestamps) {
            events.add(Event.counter(Series.of("clicks"), ts, 1));
        }
        log.add(format.encode(new EventBatch(new BatchId(producer, seq), events)));
    }

    ListRangeSource source() {
        return new ListRangeSource(log, T0);
    }

    @Test
    void replayedRangeRewritesIdenticalPartials() {
        append("a", 1, T0, T0 + 1, T0 + 61_000);
        append("a", 2, T0 + 2);
        append("b", 1, T0 + 3);
        PartitionCounter first = counter();
        for (int o = 0; o < 3; o++) {
            first.offer(o, T0, log.get(o));
        }
        first.cut();
        append("a", 2, T0 + 4); // duplicate batch resent by the agent
        append("b", 2, T0 + 5, T0 - 10 * 3_600_000L); // second event is far too old
        for (int o = 3; o < 5; o++) {
            first.offer(o, T0, log.get(o));
        }
        PendingFlush original = first.cut().orElseThrow();

        PartitionCounter second = counter();
        second.resume(Optional.empty(), source());
        for (int o = 0; o < 3; o++) {
            second.offer(o, T0, log.get(o));
        }
        second.cut();
        Optional<PendingFlush> replayed = counter().resume(Optional.of(new IntentState(original.intent(), false)), source());

        assertThat(replayed).contains(original);
        assertThat(original.intent().origin().seq()).isEqualTo(1);
        assertThat(original.intent().origin().firstOffset()).isEqualTo(3);
        assertThat(original.duplicateBatches()).isEqualTo(1);
        assertThat(original.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason()).startsWith("TOO_OLD");
            assertThat(d.position().orElseThrow().offset()).isEqualTo(4);
        });
    }

    @Test
    void aProducerWhoseClockIsHoursFastIsRefusedAgainstTheBrokersTimeWhileTheOthersAreCounted() {
        long sevenHours = 7 * 3_600_000L;
        append("agent-fast", 1, T0 + sevenHours, T0 + sevenHours + 1); // its clock: 7 h ahead of the broker's
        append("agent-ok", 1, T0 - 2_000, T0 - 1_000);
        append("agent-fast", 2, T0 + sevenHours + 2);
        append("agent-ok", 2, T0 - 500, T0 + 120_000); // 2 min ahead: within the allowed skew
        PartitionCounter live = counter();
        live.resume(Optional.empty(), source());
        for (int o = 0; o < log.size(); o++) {
            live.offer(o, T0, log.get(o)); // T0: the broker's append time of every record
        }
        PendingFlush pending = live.cut().orElseThrow();

        assertThat(pending.flush().events()).as("every event of agent-ok, none of agent-fast").isEqualTo(4);
        assertThat(pending.flush().refusedEvents()).isEqualTo(3);
        assertThat(pending.tooNewByProducer()).isEqualTo(Map.of("agent-fast", 3L));
        assertThat(pending.deadLetters()).extracting(d -> d.position().orElseThrow().offset()).containsExactly(0L, 0L, 2L);
        assertThat(pending.deadLetters().get(0).reason()).isEqualTo("TOO_NEW: event at 2023-11-15T05:13:20Z of "
                + Series.of("clicks") + " is 7h0m ahead of the broker's time 2023-11-14T22:13:20Z (its record's append"
                + " time) from producer agent-fast; allowed clock skew 5m");
        assertThat(pending.flush().lateEvents()).isZero();
        assertThat(counter().resume(Optional.of(new IntentState(pending.intent(), false)), source()))
                .as("a replay reads the same broker times and refuses the same events").contains(pending);
        live.completed(pending);
        append("agent-ok", 3, T0);
        live.offer(4, T0, log.get(4));
        assertThat(live.cut().orElseThrow().intent().watermarkAtStart()).as("the latest event counted: agent-ok's")
                .isEqualTo(T0 + 120_000);
    }

    @Test
    void spansReadLikeAClocksError() {
        assertThat(PartitionCounter.span(7 * 3_600_000L + 12_345)).isEqualTo("7h0m");
        assertThat(PartitionCounter.span(300_000)).isEqualTo("5m");
        assertThat(PartitionCounter.span(90_000)).isEqualTo("1m30s");
        assertThat(PartitionCounter.span(42_000)).isEqualTo("42s");
        assertThat(PartitionCounter.span(250)).isEqualTo("250ms");
    }

    @Test
    void aRecordWhoseTupleFailedIsCountedWhenALaterRecordArrivesFirst() {
        append("a", 1, T0);
        append("a", 2, T0 + 1);
        append("b", 1, T0 + 2);
        PartitionCounter before = counter();
        before.offer(0, T0, log.get(0));
        PendingFlush completed = before.cut().orElseThrow();
        PartitionCounter resumed = counter();
        resumed.completed(resumed.resume(Optional.of(new IntentState(completed.intent(), true)), source()).orElseThrow());

        // offset 1's tuple failed while its partition was being resumed; the spout sends it again after offset 2
        assertThat(resumed.offer(2, T0, log.get(2))).isEqualTo(Admission.NEW);
        assertThat(resumed.offer(1, T0, log.get(1))).isEqualTo(Admission.HELD_DUPLICATE);
        PendingFlush next = resumed.cut().orElseThrow();

        assertThat(next.intent().origin().firstOffset()).isEqualTo(1);
        assertThat(next.intent().lastOffset()).isEqualTo(2);
        assertThat(next.flush().events()).as("offsets 1 and 2, one event each").isEqualTo(2);
        assertThat(counter().resume(Optional.of(new IntentState(next.intent(), false)), source())).contains(next);
    }

    @Test
    void aPartitionThatNeverFlushedCountsFromTheStartOfItsLogWhateverArrivesFirst() {
        append("a", 1, T0);
        append("a", 2, T0 + 1);
        PartitionCounter c = counter();
        assertThat(c.resume(Optional.empty(), source())).isEmpty();

        assertThat(c.offer(1, T0, log.get(1))).isEqualTo(Admission.NEW);
        assertThat(c.offer(0, T0, log.get(0))).isEqualTo(Admission.HELD_DUPLICATE);

        PendingFlush flush = c.cut().orElseThrow();
        assertThat(flush.intent().origin().firstOffset()).isZero();
        assertThat(flush.flush().events()).isEqualTo(2);
    }

    /**
     * The spout commits only records whose flush completed, so a committed offset past the log's
     * start with no intent to resume from means the intents that counted them are gone: counting
     * from the start again would count them twice. A commit at the start (nothing acked yet) is not.
     */
    @Test
    void aPartitionWithoutAnIntentWhoseSpoutCommittedPastItsFirstOffsetRefusesToCountTheLogAgain() {
        append("a", 1, T0);
        append("a", 2, T0 + 1);
        append("a", 3, T0 + 2);

        assertThatThrownBy(() -> counter().resume(Optional.empty(), source().committed(2)))
                .isInstanceOf(IntentsGoneException.class)
                .hasMessageContaining("partition 3 has no flush intent, but the spout's consumer group committed offset 2"
                        + " (the log starts at 0): offsets 0 to 1 were counted under flush intents that are gone")
                .hasMessageContaining("restore the intents topic");
        PartitionCounter fresh = counter();
        assertThat(fresh.resume(Optional.empty(), source().committed(0))).isEmpty();
        assertThat(fresh.offer(0, T0, log.get(0))).isEqualTo(Admission.NEW);
    }

    @Test
    void aBatchFarBelowItsProducersSequencesIsDeadLetteredWhileAResentOneIsDroppedSilently() {
        append("a", 1000, T0);
        append("a", 1000 - 511, T0 + 1); // re-sent: as far back as a window of the agent reaches
        append("a", 1000 - 512, T0 + 2); // behind: the producer's sequence went backwards
        append("b", 7, T0 + 3);
        PartitionCounter live = counter();
        countAndCut(live, log, 0, 1, true);
        for (int o = 1; o < 4; o++) {
            live.offer(o, T0, log.get(o));
        }
        PendingFlush pending = live.cut(true).orElseThrow();

        assertThat(pending.duplicateBatches()).isEqualTo(2);
        assertThat(pending.flush().events()).isEqualTo(1);
        assertThat(pending.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.position().orElseThrow().offset()).isEqualTo(2);
            assertThat(d.reason()).isEqualTo("sequence went backwards: batch a#488 is 512 below the highest sequence"
                    + " 1000 of producer 'a' in partition 3, where a re-sent batch is at most 511 below; dropped as a"
                    + " duplicate (its producer's spool may have lost its acknowledged position or been copied)");
            assertThat(d.payload()).isEqualTo(log.get(2));
        });
        assertThat(counter().resume(Optional.of(new IntentState(pending.intent(), false)), source())).contains(pending);
    }

    @Test
    void offsetsAreCountedOnceAndClassifiedAgainstTheCompletedRange() {
        append("a", 1, T0);
        append("a", 2, T0);
        append("a", 3, T0);
        PartitionCounter c = counter();
        assertThat(c.offer(0, T0, log.get(0))).isEqualTo(Admission.NEW);
        assertThat(c.offer(1, T0, log.get(1))).isEqualTo(Admission.NEW);
        PendingFlush flush = c.cut().orElseThrow();
        assertThat(c.offer(1, T0, log.get(1))).isEqualTo(Admission.HELD_DUPLICATE);
        c.completed(flush);
        assertThat(c.offer(1, T0, log.get(1))).isEqualTo(Admission.ALREADY_COUNTED);
        assertThat(c.offer(2, T0, log.get(2))).isEqualTo(Admission.NEW);
        assertThat(c.offer(2, T0, log.get(2))).isEqualTo(Admission.HELD_DUPLICATE);
        assertThat(c.cut().orElseThrow().flush().events()).isEqualTo(1);
    }

    @Test
    void badRecordsAreDeadLetteredWithTheirReasonAndTheRestCounts() {
        PartitionCounter c = new PartitionCounter(0, RuleSet.defaults(), RollupSettings.DEFAULTS, format,
                Duration.ofMinutes(5).toMillis(), 200);
        c.offer(0, T0, "garbage \u0000\u0001".getBytes(StandardCharsets.UTF_8));
        c.offer(1, T0, "v9 a 1\nclicks 1 COUNTER 1".getBytes(StandardCharsets.UTF_8));
        c.offer(2, T0, new byte[201]);
        c.offer(3, T0, format.encode(new EventBatch(new BatchId("a", 1), List.of(
                Event.counter(Series.of("clicks"), T0, 2), Event.counter(Series.of("clicks"), T0 + 3_600_000L, 1)))));
        PendingFlush flush = c.cut().orElseThrow();

        assertThat(flush.deadLetters()).extracting(d -> d.position().orElseThrow().offset()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(flush.deadLetters().get(0).reason()).contains("undecodable record");
        assertThat(flush.deadLetters().get(1).reason()).contains("unknown batch header 'v9 a 1'");
        assertThat(flush.deadLetters().get(2).reason()).isEqualTo("oversized record: 201 bytes > limit of 200 bytes");
        assertThat(flush.deadLetters().get(3).reason()).startsWith("TOO_NEW");
        assertThat(flush.flush().events()).isEqualTo(1);
        assertThat(flush.intent().lastOffset()).isEqualTo(3);
    }

    void appendTimings(String producer, long seq, long at, double... values) {
        List<Event> events = new ArrayList<>();
        for (double v : values) {
            events.add(Event.distribution(Series.of("latency"), at, v));
            events.add(Event.counter(Series.of("clicks"), at, 1));
        }
        log.add(format.encode(new EventBatch(new BatchId(producer, seq), events)));
    }

    /** Offers offsets [from, to) and cuts them, the coarser resolutions only when {@code coarseToo}. */
    static PendingFlush countAndCut(PartitionCounter c, List<byte[]> log, int from, int to, boolean coarseToo) {
        for (int o = from; o < to; o++) {
            c.offer(o, T0, log.get(o));
        }
        PendingFlush flush = c.cut(coarseToo).orElseThrow();
        c.completed(flush);
        return flush;
    }

    static List<io.statspipe.domain.Partial> ofResolution(PendingFlush f, io.statspipe.domain.Resolution r) {
        return f.flush().partials().stream().filter(p -> p.id().resolution().equals(r)).toList();
    }

    @Test
    void coarserResolutionsFoldAcrossFlushesAndAreWrittenOnlyWhenCut() {
        appendTimings("a", 1, T0 + 1_000, 0.1, 0.2);
        appendTimings("a", 2, T0 + 70_000, 0.3);
        appendTimings("a", 3, T0 + 130_000, 0.7, 1e6);
        PartitionCounter c = counter();

        PendingFlush first = countAndCut(c, log, 0, 1, false);
        PendingFlush second = countAndCut(c, log, 1, 2, false);
        PendingFlush third = countAndCut(c, log, 2, 3, true);

        var hour = io.statspipe.domain.Resolution.HOUR;
        assertThat(ofResolution(first, hour)).isEmpty();
        assertThat(ofResolution(second, hour)).isEmpty();
        assertThat(ofResolution(first, io.statspipe.domain.Resolution.MINUTE)).hasSize(2);
        assertThat(ofResolution(third, hour)).hasSize(2).allSatisfy(p -> assertThat(p.aggregate().count()).isEqualTo(5));
        assertThat(second.intent().coarse().firstOffset()).isZero();
        assertThat(second.intent().coarse().cut()).isFalse();
        assertThat(third.intent().coarse()).isEqualTo(new io.statspipe.ports.out.FlushIntent.CoarseRange(
                0, Long.MIN_VALUE, java.util.Map.of(), true));
        // the next coarse range starts with the next range
        appendTimings("a", 4, T0 + 140_000, 2.0);
        assertThat(countAndCut(c, log, 3, 4, false).intent().coarse().firstOffset()).isEqualTo(3);
    }

    /** Set members {@code user-from .. user-(to-1)}, in batches of 100 (a record stays below the 10 kB limit). */
    void appendMembers(String producer, long firstSeq, long at, int from, int to) {
        long seq = firstSeq;
        for (int start = from; start < to; start += 100) {
            List<Event> events = new ArrayList<>();
            for (int m = start; m < Math.min(to, start + 100); m++) {
                events.add(Event.set(Series.of("users.online"), at, "user-" + m));
            }
            log.add(format.encode(new EventBatch(new BatchId(producer, seq++), events)));
        }
    }

    @Test
    void aPendingCoarseCutOfSetsReplaysTheSameSketchesAndTheHourIsTheUnionOfItsMinutes() {
        appendMembers("a", 1, T0 + 1_000, 0, 600); // offsets 0-5
        appendMembers("a", 7, T0 + 70_000, 300, 900); // 6-11, half of them seen the minute before
        appendMembers("a", 13, T0 + 130_000, 0, 50); // 12
        PartitionCounter live = counter();
        countAndCut(live, log, 0, 6, false);
        for (int o = 6; o < 13; o++) {
            live.offer(o, T0, log.get(o));
        }
        PendingFlush original = live.cut(true).orElseThrow();

        Optional<PendingFlush> replayed = counter().resume(Optional.of(new IntentState(original.intent(), false)), source());

        assertThat(replayed).contains(original);
        List<io.statspipe.domain.Partial> hour = ofResolution(original, io.statspipe.domain.Resolution.HOUR);
        assertThat(hour).hasSize(1);
        io.statspipe.domain.SetAggregate set = (io.statspipe.domain.SetAggregate) hour.get(0).aggregate();
        assertThat(set.count()).isEqualTo(1_250);
        assertThat((double) set.uniqueCount()).isCloseTo(900, org.assertj.core.api.Assertions.within(
                3 * io.statspipe.domain.UniqueSketch.RELATIVE_STANDARD_ERROR * 900));
    }

    @Test
    void aPendingCoarseCutReplaysTheWholeCoarseRangeBitForBit() {
        appendTimings("a", 1, T0 + 1_000, 0.1, 0.2, 1e-3);
        appendTimings("a", 2, T0 + 70_000, 0.3, 1e9);
        appendTimings("a", 1, T0 + 71_000, 5.0); // a resent batch: dropped in both passes
        appendTimings("a", 3, T0 + 130_000, 0.7, 3.3);
        PartitionCounter live = counter();
        countAndCut(live, log, 0, 2, false);
        for (int o = 2; o < 4; o++) {
            live.offer(o, T0, log.get(o));
        }
        PendingFlush original = live.cut(true).orElseThrow();

        Optional<PendingFlush> replayed = counter().resume(Optional.of(new IntentState(original.intent(), false)), source());

        assertThat(replayed).contains(original);
        assertThat(ofResolution(original, io.statspipe.domain.Resolution.HOUR)).isNotEmpty();
    }

    @Test
    void aCompletedFlushInsideAnOpenCoarseRangeRebuildsTheCoarseCells() {
        appendTimings("a", 1, T0 + 1_000, 0.1, 0.2);
        appendTimings("b", 1, T0 + 70_000, 0.3);
        appendTimings("a", 2, T0 + 130_000, 0.7, 8.5);
        PartitionCounter uninterrupted = counter();
        countAndCut(uninterrupted, log, 0, 1, false);
        PendingFlush completedBeforeCrash = countAndCut(uninterrupted, log, 1, 2, false);
        PendingFlush expected = countAndCut(uninterrupted, log, 2, 3, true);

        PartitionCounter recovered = counter();
        PendingFlush rebuilt = recovered.resume(Optional.of(new IntentState(completedBeforeCrash.intent(), true)),
                source()).orElseThrow();
        recovered.completed(rebuilt);
        assertThat(recovered.hasOpenCoarseRange()).isTrue();
        assertThat(recovered.offer(1, T0, log.get(1))).isEqualTo(Admission.ALREADY_COUNTED);

        assertThat(countAndCut(recovered, log, 2, 3, true)).isEqualTo(expected);
    }

    static final Series DEPTH = Series.of("queue.depth");

    /** One batch of queue-depth gauge samples: "+N" and "-N" change the level, "N" sets it. */
    void appendDepths(String producer, long seq, long at, String... samples) {
        List<Event> events = new ArrayList<>();
        for (String v : samples) {
            boolean relative = v.startsWith("+") || v.startsWith("-");
            events.add(new Event(DEPTH, at, io.statspipe.domain.Kind.GAUGE, Double.parseDouble(v), 1.0, relative));
        }
        log.add(format.encode(new EventBatch(new BatchId(producer, seq), events)));
    }

    static io.statspipe.domain.GaugeAggregate minuteGauge(PendingFlush f, long at) {
        return (io.statspipe.domain.GaugeAggregate) ofResolution(f, io.statspipe.domain.Resolution.MINUTE).stream()
                .filter(p -> p.id().series().equals(DEPTH) && p.id().bucket().contains(at)).findFirst().orElseThrow()
                .aggregate();
    }

    @Test
    void aPendingFlushOfGaugeChangesReplaysFromTheLevelsRecordedWithIt() {
        appendDepths("a", 1, T0 + 1_000, "10", "+5");
        appendDepths("a", 2, T0 + 70_000, "+1");
        appendDepths("a", 1, T0 + 71_000, "+100"); // a resent batch: dropped, the level does not move
        appendDepths("a", 3, T0 + 130_000, "+2", "-4");
        PartitionCounter live = counter();
        countAndCut(live, log, 0, 1, false);
        for (int o = 1; o < 4; o++) {
            live.offer(o, T0, log.get(o));
        }
        PendingFlush original = live.cut(true).orElseThrow();

        Optional<PendingFlush> replayed = counter().resume(Optional.of(new IntentState(original.intent(), false)), source());

        assertThat(replayed).contains(original);
        assertThat(original.intent().levelsAtStart()).isEqualTo(Map.of(DEPTH, 15.0));
        assertThat(original.intent().coarse().levelsAtStart()).isEmpty();
        // levels 16, then 18 and 14 in the last minute
        assertThat(minuteGauge(original, T0 + 130_000)).isEqualTo(new io.statspipe.domain.GaugeAggregate(2, 32, 14, 18, 18,
                T0 + 130_000));
    }

    @Test
    void aPartitionResumedFromACompletedFlushGoesOnFromTheLevelsItReached() {
        appendDepths("a", 1, T0 + 1_000, "+3");
        appendDepths("a", 2, T0 + 70_000, "+4");
        appendDepths("a", 3, T0 + 130_000, "-2");
        PartitionCounter uninterrupted = counter();
        countAndCut(uninterrupted, log, 0, 1, true);
        PendingFlush completedBeforeCrash = countAndCut(uninterrupted, log, 1, 2, false);
        PendingFlush expected = countAndCut(uninterrupted, log, 2, 3, true);

        PartitionCounter recovered = counter();
        recovered.completed(recovered.resume(Optional.of(new IntentState(completedBeforeCrash.intent(), true)),
                source()).orElseThrow());

        assertThat(countAndCut(recovered, log, 2, 3, true)).isEqualTo(expected);
        assertThat(expected.intent().levelsAtStart()).isEqualTo(Map.of(DEPTH, 7.0));
        assertThat(minuteGauge(expected, T0 + 130_000).last()).isEqualTo(5.0);
    }

    @Test
    void aQuietPartitionCutsItsCoarseRangeAloneAndThatCutReplays() {
        appendTimings("a", 1, T0 + 1_000, 0.1, 0.2);
        appendTimings("a", 2, T0 + 70_000, 0.3);
        PartitionCounter c = counter();
        countAndCut(c, log, 0, 2, false);
        assertThat(c.cut(false)).isEmpty();

        PendingFlush coarseOnly = c.cut(true).orElseThrow();

        assertThat(coarseOnly.intent().hasFinestRange()).isFalse();
        assertThat(coarseOnly.intent().origin().firstOffset()).isEqualTo(2);
        assertThat(coarseOnly.flush().partials()).isNotEmpty()
                .allSatisfy(p -> assertThat(p.id().resolution()).isEqualTo(io.statspipe.domain.Resolution.HOUR));
        assertThat(counter().resume(Optional.of(new IntentState(coarseOnly.intent(), false)), source()))
                .contains(coarseOnly);
        c.completed(coarseOnly);
        assertThat(c.cut(true)).isEmpty();
    }

    void appendSeries(String producer, long seq, String... metrics) {
        List<Event> events = new ArrayList<>();
        for (String m : metrics) {
            events.add(Event.counter(Series.of(m), T0, 1));
        }
        log.add(format.encode(new EventBatch(new BatchId(producer, seq), events)));
    }

    PartitionCounter limitedCounter() {
        return new PartitionCounter(3, RuleSet.defaults(), RollupSettings.DEFAULTS, new SeriesLimits(2, 100), format,
                300_000, 10_000);
    }

    @Test
    void atTheSeriesLimitAReplayAdmitsExactlyWhatTheFirstPassAdmitted() {
        appendSeries("a", 1, "m0", "m1");
        appendSeries("a", 2, "m2", "m0");
        appendSeries("a", 3, "m3", "m1", "m2");
        appendSeries("a", 4, "m3");
        PartitionCounter live = limitedCounter();
        countAndCut(live, log, 0, 2, false);
        live.offer(2, T0, log.get(2));
        PendingFlush pending = live.cut(false).orElseThrow(); // inside the window the first flush opened

        Optional<PendingFlush> replayed = limitedCounter().resume(Optional.of(new IntentState(pending.intent(), false)),
                source());

        assertThat(replayed).contains(pending);
        assertThat(pending.deadLetters()).extracting(DeadLetter::reason).hasSize(2).allSatisfy(r -> assertThat(r)
                .startsWith("series limit: partition 3 already counts 2 series of tenant '', its limit"));
        assertThat(pending.flush().partials()).extracting(p -> p.id().series().metric()).containsOnly("m1");
        // Once every resolution is cut the window ends, and the next one admits afresh.
        live.completed(pending);
        PendingFlush windowEnd = live.cut(true).orElseThrow();
        live.completed(windowEnd);
        PendingFlush next = countAndCut(live, log, 3, 4, true);
        assertThat(next.deadLetters()).isEmpty();
        assertThat(next.flush().partials()).extracting(p -> p.id().series().metric()).containsOnly("m3");
        assertThat(pending.intent().counting()).containsEntry("series-limit-of-partition", "2 per tenant, 100 in all");
    }

    /** A flush of one record, cut under the default settings. */
    private PendingFlush pendingFlushOfOneRecord() {
        append("a", 1, T0, T0 + 1);
        PartitionCounter c = counter();
        c.offer(0, T0, log.get(0));
        return c.cut(true).orElseThrow();
    }

    @Test
    void aPendingFlushIsNotReplayedUnderOtherCountingSettings() {
        PendingFlush pending = pendingFlushOfOneRecord();
        PartitionCounter otherHorizon = new PartitionCounter(3, RuleSet.defaults(),
                new RollupSettings(Duration.ofSeconds(10), Duration.ofHours(2)), format, 300_000, 10_000);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> otherHorizon.resume(
                        Optional.of(new IntentState(pending.intent(), false)), source()))
                .hasMessageContaining("did not complete and was cut under other counting settings")
                .hasMessageContaining("horizon was PT6H, now PT2H");
        // once it completed, the new settings apply to what comes next
        assertThat(otherHorizon.resume(Optional.of(new IntentState(pending.intent(), true)), source())).isPresent();
    }

    @Test
    void aPendingFlushIsNotReplayedUnderAChangedRuleSetWhichAppliesOnceItCompleted() {
        PendingFlush pending = pendingFlushOfOneRecord();
        RuleSet withBySite = new RuleSet(List.of(RuleSet.defaults().rules().get(0),
                new RollupRule("by-site", MetricPattern.of("page.*"), Map.of(), KeepTags.only("site"),
                        List.of(Resolution.HOUR), EnumSet.of(Aggregation.Type.COUNT), "{metric}.by_site")));
        PartitionCounter changedRules = new PartitionCounter(3, withBySite, RollupSettings.DEFAULTS, format, 300_000, 10_000);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> changedRules.resume(
                        Optional.of(new IntentState(pending.intent(), false)), source()))
                .hasMessageContaining("did not complete and was cut under other counting settings")
                .hasMessageContaining("rule.by-site");
        assertThat(changedRules.resume(Optional.of(new IntentState(pending.intent(), true)), source())).isPresent();
    }
}
