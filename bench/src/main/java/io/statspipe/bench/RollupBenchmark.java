package io.statspipe.bench;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import java.time.Duration;
import java.util.HashMap;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The rollup's hot path — counter events for already-registered series, folded into their
 * one-minute and one-hour buckets — beside the baseline a skeptic would write first: a bare
 * {@code HashMap<Long, long[]>} keyed by (series, bucket), doing the same two bucket updates per
 * event. Both walk the same pre-generated events (fixed seed, two minutes of time-ordered
 * events with jitter, random series).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-XX:+UseParallelGC"})
public class RollupBenchmark {
    static final int EVENTS = 1 << 20;
    private static final long T0 = 1_700_000_040_000L;

    @Param({"10000", "1000000"})
    public int series;

    private int[] refs;
    private long[] timestamps;
    private Rollup rollup;
    private HashMap<Long, long[]> baseline;

    @Setup(Level.Trial)
    public void generate() {
        Random random = new Random(20261126);
        refs = new int[EVENTS];
        timestamps = new long[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            refs[i] = random.nextInt(series);
            // Time-ordered, as a stream is, with up to 2 s of jitter between producers.
            timestamps[i] = T0 + (long) i * 120_000 / EVENTS + random.nextInt(2_000);
        }
        rollup = new Rollup(RuleSet.defaults(), new RollupSettings(Duration.ofSeconds(10), Duration.ofHours(6)));
        for (int s = 0; s < series; s++) {
            if (rollup.register(Series.of("bench.counter", "id", "s" + s), Kind.COUNTER) != s) {
                throw new IllegalStateException("series references are expected to be dense");
            }
        }
        baseline = new HashMap<>(series * 8);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long rollup() {
        long counted = 0;
        for (int i = 0; i < EVENTS; i++) {
            if (rollup.addCount(refs[i], timestamps[i], 1).counted()) {
                counted++;
            }
        }
        return counted;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long hashMapBaseline() {
        long touched = 0;
        for (int i = 0; i < EVENTS; i++) {
            long ts = timestamps[i];
            long minute = ts / 60_000;
            long hour = ts / 3_600_000;
            baseline.computeIfAbsent(((long) refs[i] << 32) ^ minute, k -> new long[1])[0]++;
            touched += ++baseline.computeIfAbsent(((long) refs[i] << 32) ^ (hour | 1L << 31), k -> new long[1])[0];
        }
        return touched;
    }
}
