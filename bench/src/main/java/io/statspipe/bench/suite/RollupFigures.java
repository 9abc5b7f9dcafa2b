package io.statspipe.bench.suite;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.SeriesLimits;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The rollup's figures on each workload, each beside a bare-HashMap baseline on the same
 * events: events/s on one thread (counter and timing events, one-minute and one-hour buckets),
 * and heap bytes per active (series, bucket).
 */
public final class RollupFigures {
    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private RollupFigures() {
    }

    public static List<Figure> measure(Workload workload, Duration duration) {
        List<Figure> figures = new ArrayList<>();
        figures.add(throughput(workload, duration));
        Figure perCell = memory(workload);
        figures.add(perCell);
        figures.add(memoryAtTheLimit(workload, perCell.value()));
        return figures;
    }

    static Figure throughput(Workload w, Duration duration) {
        int n = 1 << 22;
        int[] series = new int[n];
        long[] timestamps = new long[n];
        double[] values = new double[n];
        Workload.Stream stream = w.stream(START);
        for (int i = 0; i < n; i++) {
            stream.next();
            series[i] = stream.seriesIndex();
            timestamps[i] = stream.timestamp();
            values[i] = stream.value();
        }
        Rollup rollup = newRollup();
        int[] refs = new int[w.seriesCount()];
        for (int s = 0; s < refs.length; s++) {
            refs[s] = rollup.register(w.series(s), w.kindOf(s));
        }
        boolean[] counter = new boolean[w.seriesCount()];
        for (int s = 0; s < counter.length; s++) {
            counter[s] = w.kindOf(s) == Kind.COUNTER;
        }
        long seq = 0;
        long rollupEvents = 0;
        long deadline = System.nanoTime() + duration.toNanos();
        long began = System.nanoTime();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < n; i++) {
                int s = series[i];
                if (counter[s]) {
                    rollup.addCount(refs[s], timestamps[i], 1);
                } else {
                    rollup.addValue(refs[s], timestamps[i], values[i], 1);
                }
            }
            rollupEvents += n;
            // What a flush of the finest resolution every pass costs is included; the hours stay
            // open, as they do between the cuts of every resolution that end a window (every 5
            // minutes by default, where a partition registers its series again: a cost per window,
            // not per pass, left out here).
            rollup.flush(Origin.ofPartition(0, seq++, rollupEvents), false);
        }
        double rollupRate = rollupEvents / ((System.nanoTime() - began) / 1e9);

        HashMap<Long, long[]> map = new HashMap<>();
        long mapEvents = 0;
        deadline = System.nanoTime() + duration.toNanos();
        began = System.nanoTime();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < n; i++) {
                long key = (long) series[i] << 32;
                map.computeIfAbsent(key ^ (timestamps[i] / 60_000), k -> new long[1])[0]++;
                map.computeIfAbsent(key ^ (timestamps[i] / 3_600_000 | 1L << 31), k -> new long[1])[0]++;
            }
            mapEvents += n;
            map.clear();
        }
        double mapRate = mapEvents / ((System.nanoTime() - began) / 1e9);
        return new Figure("rollup events/s (1 thread)", w.name(), rollupRate, "events/s", "HashMap<Long,long[]> counting",
                mapRate, true, 20_000_000, "rollup keeps count/sum/min/max/sketch for timings; the baseline only counts");
    }

    static Figure memory(Workload w) {
        Rollup rollup = newRollup();
        int[] refs = new int[w.seriesCount()];
        long before = usedHeap();
        for (int s = 0; s < refs.length; s++) {
            refs[s] = rollup.register(w.series(s), w.kindOf(s));
            long ts = START + s % 60_000;
            if (w.kindOf(s) == Kind.COUNTER) {
                rollup.addCount(refs[s], ts, 1);
            } else {
                rollup.addValue(refs[s], ts, 42, 1);
            }
        }
        long cells = rollup.openCells();
        double rollupBytes = (usedHeap() - before) / (double) cells;

        HashMap<Long, long[]> map = new HashMap<>();
        before = usedHeap();
        for (int s = 0; s < refs.length; s++) {
            map.put((long) s << 32, new long[1]);
            map.put((long) s << 32 | 1, new long[1]);
        }
        double mapBytes = (usedHeap() - before) / (double) map.size();
        if (rollup.isEmpty() || map.isEmpty()) {
            throw new IllegalStateException("nothing measured");
        }
        return new Figure("heap bytes per active (series, bucket)", w.name(), rollupBytes, "bytes",
                "HashMap<Long,long[]> entry", mapBytes, false, 200,
                "includes the rollup's per-series registration; series names/tags are shared with the input");
    }

    /**
     * The rollup's heap when ten times more distinct series than its limit arrive, against what
     * the admitted series' cells take at the per-cell figure above: refused series must hold
     * nothing (the target is 1.5 times the admitted cells' share).
     */
    static Figure memoryAtTheLimit(Workload w, double bytesPerCell) {
        int limit = Math.max(1, w.seriesCount() / 10);
        Rollup rollup = new Rollup(RuleSet.defaults(), new RollupSettings(Duration.ofSeconds(10), Duration.ofDays(3650)),
                new SeriesLimits(limit, limit), Long.MIN_VALUE);
        long before = usedHeap();
        long refused = 0;
        for (int s = 0; s < w.seriesCount(); s++) {
            int ref = rollup.register(w.series(s), w.kindOf(s));
            long ts = START + s % 60_000;
            if (ref == Rollup.OVER_LIMIT) {
                rollup.refuseOverLimit();
                refused++;
            } else if (w.kindOf(s) == Kind.COUNTER) {
                rollup.addCount(ref, ts, 1);
            } else {
                rollup.addValue(ref, ts, 42, 1);
            }
        }
        double held = usedHeap() - before;
        double admittedCells = rollup.openCells();
        if (refused == 0 || admittedCells == 0) {
            throw new IllegalStateException("nothing measured");
        }
        double expected = admittedCells * bytesPerCell;
        return new Figure("rollup heap with 10x its series limit arriving", w.name(), held, "bytes",
                "admitted (series, bucket) cells x heap bytes per cell", expected, false, 1.5 * expected,
                (long) admittedCells + " cells admitted, " + refused + " series refused; target 1.5x the admitted cells");
    }

    private static Rollup newRollup() {
        return new Rollup(RuleSet.defaults(), new RollupSettings(Duration.ofSeconds(10), Duration.ofDays(3650)));
    }

    private static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
