package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.storm.PartitionCounter.Admission;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.out.FlushIntentPort.IntentState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    RangeSource source() {
        return (partition, first, last, sink) -> {
            for (long o = first; o <= last && o < log.size(); o++) {
                sink.accept(o, T0, log.get((int) o));
            }
        };
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
            assertThat(d.offset()).isEqualTo(4);
        });
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

        assertThat(flush.deadLetters()).extracting(DeadLetter::offset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(flush.deadLetters().get(0).reason()).contains("undecodable record");
        assertThat(flush.deadLetters().get(1).reason()).contains("unknown batch header 'v9 a 1'");
        assertThat(flush.deadLetters().get(2).reason()).isEqualTo("oversized record: 201 bytes > limit of 200 bytes");
        assertThat(flush.deadLetters().get(3).reason()).startsWith("TOO_NEW");
        assertThat(flush.flush().events()).isEqualTo(1);
        assertThat(flush.intent().lastOffset()).isEqualTo(3);
    }
}
