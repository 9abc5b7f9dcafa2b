package io.statspipe.bench;

import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Write throughput of the KairosDB store against a local KairosDB server (H2 by default): the
 * same counter partials written in batches ({@code pointsPerRequest}, gzipped) and one point per
 * request, each timed from the first request until KairosDB acknowledged the last one, and until a
 * query sees every count (KairosDB writes asynchronously). Prints both runs and the ratios.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.statspipe.bench.KairosWriteBench [points] [--url http://...]
 * </pre>
 */
public final class KairosWriteBench {
    private static final long MINUTE = 60_000L;

    private KairosWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        int points = 20_000;
        String url = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--url")) {
                url = args[++i];
            } else {
                points = Integer.parseInt(args[i]);
            }
        }
        LocalKairosDb server = null;
        ScratchDir dir = null;
        if (url == null) {
            dir = ScratchDir.create("statspipe-bench-kairosdb");
            server = LocalKairosDb.builder().dataDir(dir.path()).h2().build().start();
            url = server.httpUrl();
        }
        try {
            long hour = (System.currentTimeMillis() / 3_600_000L - 2) * 3_600_000L;
            String run = Long.toString(System.currentTimeMillis(), 36);
            KairosStoreConfig batched = KairosStoreConfig.of(url);
            KairosStoreConfig single = batched.withBatching(1, false);

            // a warm-up, so neither run pays for the server's first requests
            measure(batched, partials("bench.warmup." + run, hour, 2_000), hour);

            Rates batchedRate = measure(batched, partials("bench.batched." + run, hour, points), hour);
            Rates singleRate = measure(single, partials("bench.single." + run, hour, points), hour);

            System.out.printf(Locale.ROOT, "KairosDB store write, %d counter points, until visible (%s)%n", points, url);
            System.out.printf(Locale.ROOT, "                                      until visible   acknowledged%n");
            System.out.printf(Locale.ROOT, "  batched (%d points/request, gzip): %,10.0f/s   %,10.0f/s%n",
                    batched.pointsPerRequest(), batchedRate.visible(), batchedRate.acknowledged());
            System.out.printf(Locale.ROOT, "  one point per request (baseline):   %,10.0f/s   %,10.0f/s%n",
                    singleRate.visible(), singleRate.acknowledged());
            System.out.printf(Locale.ROOT, "  ratio batched / baseline:           %10.1fx   %10.1fx%n",
                    batchedRate.visible() / singleRate.visible(), batchedRate.acknowledged() / singleRate.acknowledged());
        } finally {
            if (server != null) {
                server.stop();
                dir.close();
            }
        }
    }

    /** Points per second from the first write until KairosDB acknowledged the last, and until all were visible. */
    private record Rates(double acknowledged, double visible) {
    }

    private static Rates measure(KairosStoreConfig config, List<Partial> partials, long hour) throws InterruptedException {
        String metric = partials.get(0).id().series().metric();
        long expected = partials.stream().mapToLong(p -> p.aggregate().count()).sum();
        StatsQuery total = StatsQuery.of(metric, Kind.COUNTER, new TimeRange(hour, hour + 3_600_000L),
                Resolution.HOUR, Aggregation.COUNT);
        try (KairosAggregateStore store = new KairosAggregateStore(config)) {
            long start = System.nanoTime();
            if (config.pointsPerRequest() == 1) {
                for (Partial p : partials) {
                    store.write(List.of(p));
                }
            } else {
                store.write(partials);
            }
            double acknowledged = partials.size() / ((System.nanoTime() - start) / 1e9);
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (visible(store, total) != expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("writes to " + metric + " not visible after 10 minutes");
                }
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Rates(acknowledged, partials.size() / seconds);
        }
    }

    private static long visible(KairosAggregateStore store, StatsQuery total) {
        long sum = 0;
        for (SeriesResult r : store.query(total)) {
            for (Point p : r.points()) {
                sum += (long) p.value();
            }
        }
        return sum;
    }

    /**
     * {@code n} one-point counter partials at the hour resolution, so each is one data point:
     * 500 series (site x page), each with partials from four streams and many flushes.
     */
    private static List<Partial> partials(String metric, long hour, int n) {
        List<Partial> partials = new ArrayList<>(n);
        Resolution resolution = Resolution.HOUR;
        for (int i = 0; i < n; i++) {
            Series series = Series.of(metric, "site", "s" + (i % 50), "page", "p" + (i / 50 % 10));
            // one flush sequence number per partial: every point has a slot of its own
            Origin origin = Origin.ofPartition(i % 4, i, i);
            PartialId id = new PartialId(series, Kind.COUNTER, resolution, resolution.bucketOf(hour + (i % 60) * MINUTE),
                    origin);
            partials.add(new Partial(id, new CounterAggregate(1 + i % 7), EnumSet.of(Aggregation.Type.COUNT)));
        }
        return partials;
    }
}
