package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.fixtures.InMemoryFlushIntents;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.ports.out.FlushIntent;
import io.statspipe.ports.out.FlushIntentPort;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import io.statspipe.ports.out.WritePartialsPort;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The counting protocol without engines: a partition's records are counted, cut, committed and
 * acked while the task "crashes" at random steps (before the intent, after it, halfway through
 * the write, after the write, after completing, before the acks); each restart recovers from the
 * newest intent and the spout redelivers from a lagging committed offset. Hours are cut only now
 * and then (their own cadence), sometimes alone while the partition is quiet. The store refuses
 * any rewrite with a different value. At the end every bucket of both resolutions holds exactly
 * what was produced: counts, and gauges whose samples are mostly relative ({@code +N}, {@code -N}),
 * so every gauge bucket's levels are those of the batches sent once, folded in log order across
 * every crash and coarse cut.
 */
class CrashRecoveryTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final Resolution MINUTE = Resolution.MINUTE;
    private static final Resolution HOUR = Resolution.HOUR;

    /** Thrown instead of returning, like a JVM that stops: nothing after it runs. */
    private static final class Crash extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void everyBucketIsExactAfterRandomCrashesReplaysAndDuplicateBatches() {
        qt().withExamples(30).forAll(longs().all()).checkAssert(this::runWithSeed);
    }

    private void runWithSeed(long seed) {
        Random random = new Random(seed);
        TextBatchFormat format = new TextBatchFormat();
        List<byte[]> log = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        Map<String, Aggregate> expectedGauges = new HashMap<>();
        Map<String, Double> levels = new HashMap<>();
        List<byte[]> sentBatches = new ArrayList<>();
        long producerSeq = 0;
        for (int r = 0; r < 400; r++) {
            int roll = random.nextInt(20);
            if (roll == 0 && !sentBatches.isEmpty()) {
                log.add(sentBatches.get(random.nextInt(sentBatches.size()))); // the agent resends a batch
                continue;
            }
            if (roll == 1) {
                log.add("not a batch".getBytes(StandardCharsets.UTF_8));
                continue;
            }
            List<Event> events = new ArrayList<>();
            for (int e = 1 + random.nextInt(5); e > 0; e--) {
                long ts = T0 + r * 500L + random.nextInt(120_000) - 60_000;
                if (random.nextInt(3) == 0) {
                    // whole numbers, so sums are exact whatever order the partials merge in
                    String gauge = "q" + random.nextInt(3);
                    boolean relative = random.nextInt(3) != 0;
                    double value = relative ? random.nextInt(21) - 10 : random.nextInt(100);
                    double level = relative ? levels.getOrDefault(gauge, 0.0) + value : value;
                    levels.put(gauge, level);
                    events.add(new Event(Series.of(gauge), ts, Kind.GAUGE, value, 1.0, relative));
                    for (Resolution res : List.of(MINUTE, HOUR)) {
                        expectedGauges.merge(gauge + "@" + res + "@" + res.bucketOf(ts).start(), GaugeAggregate.of(level, ts),
                                Aggregate::merge);
                    }
                    continue;
                }
                String metric = "m" + random.nextInt(7);
                long increment = 1 + random.nextInt(3);
                events.add(Event.counter(Series.of(metric), ts, increment));
                expected.merge(metric + "@" + MINUTE + "@" + MINUTE.bucketOf(ts).start(), increment, Long::sum);
                expected.merge(metric + "@" + HOUR + "@" + HOUR.bucketOf(ts).start(), increment, Long::sum);
            }
            byte[] record = format.encode(new EventBatch(new BatchId("agent", ++producerSeq), events));
            sentBatches.add(record);
            log.add(record);
        }

        InMemoryFlushIntents durableIntents = new InMemoryFlushIntents();
        InMemoryAggregateStore durableStore = new InMemoryAggregateStore();
        RangeSource source = new ListRangeSource(log, T0);
        long committedOffset = 0; // the spout's committed offset: where a restarted spout resumes
        int crashes = 0;
        boolean done = false;
        while (!done) {
            CrashPoint crash = new CrashPoint(crashes < 12 ? random : null);
            FlushCommitter committer = new FlushCommitter(crash.intents(durableIntents), crash.store(durableStore),
                    DurabilityCheck.writeIsDurable(), letters -> { }, PipelineHealth.of("crash-test"), CommitRetries.DEFAULT,
                    "test-commit");
            try {
                PartitionCounter counter = new PartitionCounter(0, RuleSet.defaults(), RollupSettings.DEFAULTS, format,
                        300_000, 1_000_000);
                var latest = durableIntents.latest("p0");
                Optional<PendingFlush> replayed = counter.resume(latest, source);
                if (replayed.isPresent()) {
                    if (!latest.orElseThrow().completed()) {
                        assertThat(committer.commit(replayed.get())).isTrue();
                    }
                    counter.completed(replayed.get());
                }
                for (long o = committedOffset; o < log.size(); o++) {
                    counter.offer(o, T0, log.get((int) o));
                    if (random.nextInt(25) == 0) {
                        Optional<PendingFlush> cut = counter.cut(random.nextInt(4) == 0);
                        if (cut.isPresent()) {
                            assertThat(committer.commit(cut.get())).isTrue();
                            crash.maybe("before acks");
                            counter.completed(cut.get());
                            // acks reached the spout; its commit of them lags behind
                            committedOffset += random.nextLong(cut.get().intent().lastOffset() + 2 - committedOffset);
                        }
                    }
                }
                counter.cut(false).ifPresent(last -> {
                    assertThat(committer.commit(last)).isTrue();
                    counter.completed(last);
                });
                counter.cut(true).ifPresent(last -> {
                    assertThat(committer.commit(last)).isTrue();
                    counter.completed(last);
                });
                done = true;
            } catch (Crash stop) {
                crashes++;
            } finally {
                committer.close();
            }
        }

        Map<String, Long> stored = new HashMap<>();
        TimeRange all = new TimeRange(0, Long.MAX_VALUE / 2);
        for (int m = 0; m < 7; m++) {
            Series series = Series.of("m" + m);
            for (Resolution resolution : List.of(MINUTE, HOUR)) {
                for (StoredBucket b : durableStore.readBuckets(new SeriesKey(series, Kind.COUNTER), resolution, all)) {
                    stored.put("m" + m + "@" + resolution + "@" + b.bucket().start(), b.aggregate().count());
                }
            }
        }
        Map<String, Aggregate> storedGauges = new HashMap<>();
        for (int q = 0; q < 3; q++) {
            for (Resolution resolution : List.of(MINUTE, HOUR)) {
                for (StoredBucket b : durableStore.readBuckets(new SeriesKey(Series.of("q" + q), Kind.GAUGE), resolution, all)) {
                    storedGauges.put("q" + q + "@" + resolution + "@" + b.bucket().start(), b.aggregate());
                }
            }
        }
        assertThat(storedGauges).as("seed %d after %d crashes: gauge buckets", seed, crashes).isEqualTo(expectedGauges);
        Map<String, String> differences = new java.util.TreeMap<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(stored.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(expected.get(k), stored.get(k))) {
                differences.put(k, "expected " + expected.get(k) + ", stored " + stored.get(k));
            }
        }
        assertThat(differences).as("seed %d after %d crashes: buckets that differ", seed, crashes).isEmpty();
    }

    /** Decides, at random, at which step of which commit the task stops. */
    private static final class CrashPoint {
        private final Random random;

        CrashPoint(Random random) {
            this.random = random;
        }

        void maybe(String step) {
            if (random != null && random.nextInt(12) == 0) {
                throw new Crash();
            }
        }

        FlushIntentPort intents(FlushIntentPort durable) {
            return new FlushIntentPort() {
                @Override
                public void claim(String stream) {
                    durable.claim(stream);
                }

                @Override
                public void begin(FlushIntent intent) {
                    maybe("before begin");
                    durable.begin(intent);
                    maybe("after begin");
                }

                @Override
                public void complete(FlushIntent intent) {
                    maybe("before complete");
                    durable.complete(intent);
                    maybe("after complete");
                }

                @Override
                public Optional<IntentState> latest(String stream) {
                    return durable.latest(stream);
                }
            };
        }

        WritePartialsPort store(WritePartialsPort durable) {
            return partials -> {
                if (random != null && partials.size() > 1 && random.nextInt(8) == 0) {
                    List<Partial> half = partials.subList(0, partials.size() / 2);
                    durable.write(half);
                    throw new Crash();
                }
                durable.write(partials);
                maybe("after write");
            };
        }
    }

}
