package io.statspipe.bench.suite;

import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import java.util.Random;

/**
 * A reproducible stream of events (fixed seed). Three shapes:
 *
 * <ul>
 *   <li>{@link #reference()}: 10k series over 20 metrics, 80% counters and 20% timings, with a
 *       diurnal shape (the event rate over simulated time follows a day's sine wave);</li>
 *   <li>{@link #highCardinality()}: 1M series, uniform;</li>
 *   <li>{@link #skewed()}: 10k series with Zipf-distributed traffic (s = 1.2): a few hot series
 *       take most events.</li>
 * </ul>
 *
 * Simulated time runs at {@code eventsPerSimulatedSecond} on average, so a benchmark covers
 * many buckets without waiting for real time to pass.
 */
public final class Workload {
    private static final long DAY = 86_400_000L;

    private final String name;
    private final int seriesCount;
    private final double timingShare;
    private final double zipf;
    private final long eventsPerSimulatedSecond;
    private final long seed;
    private final Series[] series;
    private final double[] zipfCumulative;

    private Workload(String name, int seriesCount, double timingShare, double zipf, long eventsPerSimulatedSecond, long seed) {
        this.name = name;
        this.seriesCount = seriesCount;
        this.timingShare = timingShare;
        this.zipf = zipf;
        this.eventsPerSimulatedSecond = eventsPerSimulatedSecond;
        this.seed = seed;
        this.series = new Series[seriesCount];
        for (int i = 0; i < seriesCount; i++) {
            series[i] = Series.of("bench." + (i % 20 < 16 ? "count" : "timing") + (i % 20),
                    "tenant", "t" + (i / 20) % 100, "id", "s" + i);
        }
        this.zipfCumulative = zipf > 0 ? cumulativeZipf(seriesCount, zipf) : null;
    }

    public static Workload reference() {
        return new Workload("reference", 10_000, 0.2, 0, 20_000, 20261126L);
    }

    public static Workload highCardinality() {
        return new Workload("high-cardinality", 1_000_000, 0.2, 0, 200_000, 20261127L);
    }

    /** The same shape with fewer series (and a name that says so), for smoke runs. */
    public Workload withSeries(int count) {
        return new Workload(name + " (" + count + " series)", count, timingShare, zipf, eventsPerSimulatedSecond, seed);
    }

    public static Workload skewed() {
        return new Workload("skewed", 10_000, 0.2, 1.2, 20_000, 20261128L);
    }

    public String name() {
        return name;
    }

    public int seriesCount() {
        return seriesCount;
    }

    public Series series(int index) {
        return series[index];
    }

    /** Kind of a series: the workload's timing metrics are distributions, the rest counters. */
    public Kind kindOf(int index) {
        return index % 20 < 16 ? Kind.COUNTER : Kind.DISTRIBUTION;
    }

    /** A fresh, deterministic stream starting at {@code start} (epoch millis). */
    public Stream stream(long start) {
        return new Stream(start);
    }

    /** The events of a workload, one at a time, allocation-free through {@link #next()}. */
    public final class Stream {
        private final Random random = new Random(seed);
        private final long start;
        private double simulatedMillis;
        private int seriesIndex;
        private long timestamp;
        private double value;

        Stream(long start) {
            this.start = start;
        }

        /** Advances to the next event; read it with the accessors. */
        public void next() {
            double t = (start + simulatedMillis) % DAY / (double) DAY;
            double rate = eventsPerSimulatedSecond * (1 + 0.5 * Math.sin(2 * Math.PI * (t - 0.25)));
            simulatedMillis += 1000.0 / rate;
            timestamp = start + (long) simulatedMillis;
            seriesIndex = zipfCumulative == null ? random.nextInt(seriesCount) : zipfIndex(random.nextDouble());
            value = kindOf(seriesIndex) == Kind.COUNTER ? 1 : Math.round(5 + 200 * random.nextDouble() * random.nextDouble());
        }

        public int seriesIndex() {
            return seriesIndex;
        }

        public long timestamp() {
            return timestamp;
        }

        public double value() {
            return value;
        }

        public Event event() {
            Series s = series[seriesIndex];
            return kindOf(seriesIndex) == Kind.COUNTER ? Event.counter(s, timestamp, 1)
                    : Event.distribution(s, timestamp, value);
        }

        private int zipfIndex(double u) {
            int i = java.util.Arrays.binarySearch(zipfCumulative, u);
            return Math.min(seriesCount - 1, i >= 0 ? i : -i - 1);
        }
    }

    private static double[] cumulativeZipf(int n, double s) {
        double[] c = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += 1 / Math.pow(i + 1, s);
            c[i] = total;
        }
        for (int i = 0; i < n; i++) {
            c[i] /= total;
        }
        return c;
    }
}
