package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.Event;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.QuantileSketch;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.domain.SetAggregate;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import io.statspipe.ports.service.QueryStatsService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The fault-injection scenario, run against a KairosDB over some datastore: while a million
 * events of a thousand series flow into {@code stats.events} (65% of the series counters, 15%
 * gauges, half of their samples relative ({@code +N}), 5% sets (unique counts), 15% timings, i.e.
 * distributions), the topology's JVM is killed with SIGKILL five times,
 * each at a random moment within two flush intervals after it took its partitions over, and
 * restarted; hours are cut every third flush, so kills land inside open coarse ranges and on
 * coarse cuts. Some agent batches are sent twice (the topology must drop them) and some events
 * arrive three minutes late, past the allowed lateness of 10 s (they must still be counted).
 *
 * <p>At the end it reads every stored bucket of every kind at both resolutions (1m and 1h) as a
 * whole aggregate ({@link KairosAggregateStore#readBuckets}) and compares it with the domain's own
 * aggregate of what was produced ({@link TestEvents#expectedAggregates}): the same buckets, and in
 * each the count, min, max and (gauges) last and its timestamp exactly (for gauges, of the levels
 * the samples make in the order sent), the quantile sketch bin
 * for bin, a set's HLL sketch register for register (its canonical bytes: a union is idempotent,
 * so estimates would hide a partial counted twice, and the count of members received would
 * not), and the sum within a relative {@value #SUM_TOLERANCE}. A failure lists the first
 * differing buckets. The seed of the random kills and events is printed.
 */
final class FaultInjectionContract {
    static final int PARTITIONS = 6;
    static final int SERIES = 1_000;
    /** Series {@code s0 .. s649} are counters, {@code s650 .. s799} gauges, {@code s800 .. s849} sets, the rest distributions. */
    static final int COUNTER_SERIES = 650;
    static final int GAUGE_SERIES = 150;
    static final int SET_SERIES = 50;
    /** Members of a set series: enough that an hour's sketch holds registers, a minute's a list of hashes. */
    static final int SET_MEMBERS = 5_000;
    static final int EVENTS = 1_000_000;
    static final int EVENTS_PER_SEND = 2_500;
    static final int KILLS = 5;
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);
    static final List<Kind> KINDS = List.of(Kind.COUNTER, Kind.GAUGE, Kind.SET, Kind.DISTRIBUTION);
    static final String METRIC = "fault.events";
    /**
     * Sums are doubles, and the topology adds a bucket's samples in another order than this test
     * does (per partition and flush, then the partials merged by KairosDB), so they may differ in
     * the last bits. Every value here is positive, so the relative difference of two orders of
     * addition stays near (samples x 2^-53), far below this; a lost or doubled sample is not.
     */
    static final double SUM_TOLERANCE = 1e-9;

    private FaultInjectionContract() {
    }

    static Kind kindOf(int series) {
        return series < COUNTER_SERIES ? Kind.COUNTER
                : series < COUNTER_SERIES + GAUGE_SERIES ? Kind.GAUGE
                : series < COUNTER_SERIES + GAUGE_SERIES + SET_SERIES ? Kind.SET : Kind.DISTRIBUTION;
    }

    /** One event of series {@code i} near {@code ts}. */
    static Event event(Series series, int i, long ts, Random r) {
        return event(series, i, ts, r, null);
    }

    /**
     * One event of series {@code i} near {@code ts}; with {@code json} not null, also written into
     * it as the JSON ingest takes an event (its kind, value or member, timestamp and, for a gauge,
     * whether it is relative).
     */
    static Event event(Series series, int i, long ts, Random r, ObjectNode json) {
        ObjectNode out = json != null ? json : JsonNodeFactory.instance.objectNode();
        switch (kindOf(i)) {
            case COUNTER -> {
                long increment = 1 + r.nextInt(3);
                out.put("kind", "counter").put("value", increment).put("timestamp", ts);
                return Event.counter(series, ts, increment);
            }
            case GAUGE -> {
                // Gauge samples fall on 50 ms steps, so samples of one series often share a
                // millisecond: "last" is then the larger value (GaugeAggregate's rule, which the
                // topology and the expected fold both apply), whatever order they were counted in.
                // Half are relative (+N): their level depends on every sample of the series before
                // them, across flushes and kills; all are positive, so sums stay comparable.
                long at = ts - Math.floorMod(ts, 50);
                boolean relative = r.nextBoolean();
                double value = relative ? r.nextInt(1_000) / 100.0 : r.nextInt(100_000) / 100.0;
                out.put("kind", "gauge").put("value", value).put("timestamp", at).put("relative", relative);
                return relative ? Event.gaugeChange(series, at, value) : Event.gauge(series, at, value);
            }
            case SET -> {
                String member = "user-" + r.nextInt(SET_MEMBERS);
                out.put("kind", "set").put("member", member).put("timestamp", ts);
                return Event.set(series, ts, member);
            }
            default -> {
                // Timings in ms, spread over several decades (many sketch bins); one in 50 is 0 (the zero bin).
                double value = r.nextInt(50) == 0 ? 0.0 : Math.round(Math.exp(3 + 1.5 * r.nextGaussian()) * 1_000) / 1_000.0;
                out.put("kind", "distribution").put("value", value).put("timestamp", ts);
                return Event.distribution(series, ts, value);
            }
        }
    }

    static void run(LocalKafkaBroker broker, String kairosUrl, Path dir, String variant) throws Exception {
        run(broker, kairosUrl, dir, variant, List.of(), 150);
    }

    /**
     * With the topology halting itself at each of {@code chosen} in turn (see {@link HaltingPlugs})
     * before the {@value #KILLS} random kills, and {@code pauseMillis} between sends, so that the
     * traffic flows through every kill.
     */
    static void run(LocalKafkaBroker broker, String kairosUrl, Path dir, String variant, List<KillPoint> chosen,
                    long pauseMillis) throws Exception {
        Traffic traffic = Traffic.start(broker, variant, pauseMillis);
        Random random = traffic.random();

        // The child JVMs' logs stay in target/ for reading after a failure.
        Path work = Path.of("target", "fault-injection", variant + "-" + traffic.seed()).toAbsolutePath();
        int runs = chosen.size() + KILLS;
        ChildTopology child = startChild(broker, kairosUrl, work, 0, chosen);
        try {
            for (int kill = 1; kill <= chosen.size(); kill++) {
                KillPoint point = chosen.get(kill - 1);
                // It halts itself once it has counted a few flushes: well within two minutes.
                OptionalInt status = child.awaitExit(Duration.ofMinutes(2));
                assertThat(status).as("exit status of the topology that was to halt at %s; log %s", point.argName(), child.log())
                        .hasValue(HaltingPlugs.STATUS);
                System.out.println("kill " + kill + " of " + runs + ": " + lastLine(child.log(), "halting at "));
                child = startChild(broker, kairosUrl, work, kill, chosen);
            }
            for (int kill = chosen.size() + 1; kill <= runs; kill++) {
                // Kill while it works: once it counts, at a random moment within two flush intervals.
                child.awaitLog("taken over", Duration.ofSeconds(60));
                Thread.sleep(1_000 + random.nextInt(10_000));
                System.out.println("kill -9 " + child.pid() + " (" + kill + " of " + runs + ", at random)");
                child.killHard();
                child = startChild(broker, kairosUrl, work, kill, chosen);
            }
            assertEveryBucketStored(traffic, kairosUrl, "topology log " + child.log());
            System.out.println("topology log tail: " + tail(child.log()));
            System.out.println("flushes begun but not completed at a kill, rewritten on restart: " + rewrites(work, runs));
            for (KillPoint point : chosen) {
                assertThat(linesOf(work, runs, "halting at " + point.argName() + " of "))
                        .as("the child logs show the halt at %s", point.argName()).hasSize(1);
            }
        } finally {
            child.close();
        }
    }

    /**
     * The scenario's events, sent from a thread of their own into {@code stats.events}: {@value #EVENTS}
     * events of {@value #SERIES} series in sends of {@value #EVENTS_PER_SEND}, {@code pauseMillis}
     * apart, some batches sent twice and some events three minutes late. The seed (printed) decides
     * the events; {@link #random()}, seeded from it, is for the faults' moments.
     */
    static final class Traffic {
        private final long seed;
        private final long now;
        private final Random random;
        private final Thread producer;
        private final AtomicReference<Map<String, Aggregate>> expected = new AtomicReference<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        private Traffic(LocalKafkaBroker broker, String variant, long pauseMillis) {
            this.seed = Long.getLong("statspipe.faults.seed", System.nanoTime());
            this.now = System.currentTimeMillis();
            this.random = new Random(seed);
            this.producer = new Thread(() -> produce(broker, variant, pauseMillis), "fault-producer");
        }

        /** Creates the topics and starts sending. */
        static Traffic start(LocalKafkaBroker broker, String variant, long pauseMillis) throws Exception {
            Traffic traffic = new Traffic(broker, variant, pauseMillis);
            System.out.println("fault injection (" + variant + ") seed: " + traffic.seed
                    + "  (replay: -Dstatspipe.faults.seed=" + traffic.seed + ")");
            TopicLayout.of(PARTITIONS, 1).ensureExists(broker.bootstrapServers());
            traffic.producer.start();
            return traffic;
        }

        private void produce(LocalKafkaBroker broker, String variant, long pauseMillis) {
            List<Series> series = new ArrayList<>();
            for (int i = 0; i < SERIES; i++) {
                series.add(Series.of(METRIC, "series", "s" + i));
            }
            Random r = new Random(seed + 1);
            try (TestEvents events = new TestEvents(broker.bootstrapServers(), TopicLayout.EVENTS, PARTITIONS, "agent-" + variant)) {
                int sends = EVENTS / EVENTS_PER_SEND;
                for (int s = 0; s < sends; s++) {
                    long base = now + s * 100L;
                    List<Event> batch = new ArrayList<>(EVENTS_PER_SEND);
                    for (int e = 0; e < EVENTS_PER_SEND; e++) {
                        // one send in 10 carries events three minutes late (allowed lateness: 10 s)
                        long ts = s % 10 == 9 && e % 5 == 0 ? base - 180_000 : base - r.nextInt(5_000);
                        int i = r.nextInt(SERIES);
                        batch.add(event(series.get(i), i, ts, r));
                    }
                    events.send(batch, RESOLUTIONS);
                    if (s % 40 == 39) {
                        events.resend(r.nextInt(events.sentRecords())); // the agent sends a batch twice
                    }
                    if (s % 20 == 19) {
                        events.flush();
                    }
                    Thread.sleep(pauseMillis); // at 150 ms about a minute of traffic, so the kills land while it flows
                }
                events.flush();
                expected.set(events.expectedAggregates());
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        long seed() {
            return seed;
        }

        /** For the faults' moments: seeded from the printed seed. */
        Random random() {
            return random;
        }

        boolean flowing() {
            return producer.isAlive();
        }

        /** Waits until every event was sent; the aggregate of every bucket they make, sent once. */
        Map<String, Aggregate> awaitExpected() throws InterruptedException {
            producer.join();
            assertThat(failure.get()).isNull();
            return expected.get();
        }
    }

    /**
     * Waits until every bucket's count is stored, then reads every bucket of every kind at both
     * resolutions whole and compares it with the aggregate of the events {@code traffic} sent once.
     */
    static void assertEveryBucketStored(Traffic traffic, String kairosUrl, String whereToLook) throws Exception {
        assertEveryBucketStored(traffic.awaitExpected(), EVENTS, traffic.seed(), traffic.now, kairosUrl, whereToLook);
    }

    /**
     * Waits until every bucket's count is stored, then reads every bucket of every kind at both
     * resolutions whole and compares it with {@code want}: the aggregate of {@code events} events
     * of this scenario's series ({@link #kindOf}) sent once around {@code now} with {@code seed}.
     */
    static void assertEveryBucketStored(Map<String, Aggregate> want, long events, long seed, long now, String kairosUrl,
                                        String whereToLook) throws Exception {
        Map<String, Long> wantCounts = new HashMap<>();
        want.forEach((k, a) -> wantCounts.put(k, a.count()));
        System.out.println("produced " + events + " events into " + want.size() + " buckets");
        try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(kairosUrl))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            TimeRange range = new TimeRange(now - 3_600_000L * 2, now + 3_600_000L * 2);
            // KairosDB shows writes with a delay: wait until every bucket's count is there
            // (six queries a round), then read and compare the whole aggregates once.
            AtomicReference<Map<String, Long>> lastCounts = new AtomicReference<>(Map.of());
            long waitStart = System.nanoTime();
            try {
                await().atMost(Duration.ofMinutes(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    try {
                        lastCounts.set(counts(queries, range));
                    } catch (RuntimeException e) {
                        System.out.println("query failed, retrying: " + e);
                    }
                    return lastCounts.get().equals(wantCounts);
                });
            } catch (ConditionTimeoutException e) {
                // reported below, bucket by bucket
            }
            Map<String, Long> counts = lastCounts.get();
            assertSame("buckets whose count differs after waiting "
                    + TestEvents.sinceStart(waitStart).toSeconds() + " s, seed " + seed + "; " + whereToLook,
                    diff(wantCounts, counts, (a, b) -> a.equals(b) ? null : "count " + a + ", stored " + b));
            long read = System.nanoTime();
            Map<String, Aggregate> stored = storedAggregates(store, range);
            assertSame("buckets whose stored aggregate differs from that of the produced events, seed " + seed,
                    diff(want, stored, FaultInjectionContract::difference));
            System.out.println("compared " + summary(want) + " whole buckets, read in "
                    + TestEvents.sinceStart(read).toSeconds() + " s: every one equal (sums within " + SUM_TOLERANCE + ")");
        }
    }

    /** Every bucket's count (samples for gauges and distributions), through the query port. */
    static Map<String, Long> counts(QueryStatsService queries, TimeRange range) {
        Map<String, Long> stored = new HashMap<>();
        for (Kind kind : KINDS) {
            for (Resolution resolution : RESOLUTIONS) {
                StatsQuery query = StatsQuery.of(METRIC, kind, range, resolution, Aggregation.COUNT).groupedBy("series");
                for (SeriesResult result : queries.query(query)) {
                    Series s = new Series(METRIC, result.group());
                    for (Point p : result.points()) {
                        stored.put(TestEvents.key(s, kind, resolution, p.bucketStart()), (long) p.value());
                    }
                }
            }
        }
        return stored;
    }

    /** The whole aggregate of every bucket of every series, at both resolutions, one series at a time. */
    static Map<String, Aggregate> storedAggregates(KairosAggregateStore store, TimeRange range)
            throws Exception {
        Set<SeriesKey> seriesKeys = new TreeSet<>(Comparator.comparing(SeriesKey::toString));
        for (int i = 0; i < SERIES; i++) {
            seriesKeys.add(new SeriesKey(Series.of(METRIC, "series", "s" + i), kindOf(i)));
        }
        Map<String, Aggregate> stored = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (SeriesKey key : seriesKeys) {
                for (Resolution resolution : RESOLUTIONS) {
                    reads.add(pool.submit(() -> {
                        for (StoredBucket b : store.readBuckets(key, resolution, range)) {
                            stored.put(TestEvents.key(b.series(), key.kind(), resolution, b.bucket().start()), b.aggregate());
                        }
                    }));
                }
            }
            for (Future<?> read : reads) {
                read.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return stored;
    }

    /** What differs between an expected and a stored aggregate of one bucket, or null when they are equal. */
    static String difference(Aggregate want, Aggregate got) {
        if (want.kind() != got.kind()) {
            return "kind " + want.kind() + ", stored " + got.kind();
        }
        List<String> differs = new ArrayList<>();
        if (want.count() != got.count()) {
            differs.add("count " + want.count() + " vs " + got.count());
        }
        if (want instanceof GaugeAggregate w && got instanceof GaugeAggregate g) {
            same(differs, "min", w.min(), g.min());
            same(differs, "max", w.max(), g.max());
            same(differs, "last", w.last(), g.last());
            if (w.lastAt() != g.lastAt()) {
                differs.add("last_at " + w.lastAt() + " vs " + g.lastAt());
            }
            sum(differs, w.sum(), g.sum());
        } else if (want instanceof DistributionAggregate w && got instanceof DistributionAggregate g) {
            same(differs, "min", w.min(), g.min());
            same(differs, "max", w.max(), g.max());
            if (!w.sketch().equals(g.sketch())) {
                differs.add("sketch " + sketchDifference(w.sketch(), g.sketch()));
            }
            sum(differs, w.sum(), g.sum());
        } else if (want instanceof SetAggregate w && got instanceof SetAggregate g && !w.sketch().equals(g.sketch())) {
            differs.add("HLL sketch " + w.sketch() + " vs " + g.sketch() + " (registers differ)");
        }
        return differs.isEmpty() ? null : String.join(", ", differs) + " (expected vs stored)";
    }

    /** The sketch bins that differ (at most five), as bin=expected/stored. */
    private static String sketchDifference(QuantileSketch want, QuantileSketch got) {
        List<String> bins = new ArrayList<>();
        if (want.zeroCount() != got.zeroCount()) {
            bins.add("zero=" + want.zeroCount() + "/" + got.zeroCount());
        }
        binDifference(bins, "+", want.positiveBins(), got.positiveBins());
        binDifference(bins, "-", want.negativeBins(), got.negativeBins());
        return "bins " + (bins.size() > 5 ? String.join(" ", bins.subList(0, 5)) + " ... (" + bins.size() + " bins)"
                : String.join(" ", bins));
    }

    private static void binDifference(List<String> out, String sign, Map<Integer, Long> want, Map<Integer, Long> got) {
        Set<Integer> bins = new TreeSet<>(want.keySet());
        bins.addAll(got.keySet());
        for (int bin : bins) {
            long w = want.getOrDefault(bin, 0L);
            long g = got.getOrDefault(bin, 0L);
            if (w != g) {
                out.add(sign + bin + "=" + w + "/" + g);
            }
        }
    }

    private static void same(List<String> differs, String what, double want, double got) {
        if (Double.compare(want, got) != 0) {
            differs.add(what + " " + want + " vs " + got);
        }
    }

    private static void sum(List<String> differs, double want, double got) {
        if (!(Math.abs(want - got) <= SUM_TOLERANCE * Math.max(Math.abs(want), Math.abs(got)))) {
            differs.add("sum " + want + " vs " + got);
        }
    }

    /** Fails naming the first 20 differing buckets and how many differ, unless none does. */
    static void assertSame(String what, List<String> differing) {
        if (!differing.isEmpty()) {
            List<String> shown = differing.subList(0, Math.min(20, differing.size()));
            fail(differing.size() + " " + what + (differing.size() > shown.size() ? " (the first 20)" : "") + ":\n  "
                    + String.join("\n  ", shown));
        }
    }

    /** The keys whose values differ (by {@code difference}, null when equal), are missing or are extra, sorted, with what differs. */
    static <V> List<String> diff(Map<String, V> want, Map<String, V> got, BiFunction<V, V, String> difference) {
        List<String> differing = new ArrayList<>();
        Set<String> keys = new TreeSet<>(want.keySet());
        keys.addAll(got.keySet());
        for (String key : keys) {
            V w = want.get(key);
            V g = got.get(key);
            String d = w == null ? "not produced, stored " + g : g == null ? "produced " + w + ", not stored" : difference.apply(w, g);
            if (d != null) {
                differing.add(key + ": " + d);
            }
        }
        return differing;
    }

    /** Buckets per kind and resolution, e.g. "counter 1m 1400 1h 700, gauge ...". */
    private static String summary(Map<String, Aggregate> buckets) {
        Map<String, Long> per = new TreeMap<>();
        buckets.forEach((k, a) -> per.merge(a.kind().name().toLowerCase() + " " + k.split("@")[1], 1L, Long::sum));
        List<String> parts = new ArrayList<>();
        per.forEach((what, n) -> parts.add(what + " " + n));
        return buckets.size() + " (" + String.join(", ", parts) + ")";
    }

    /** Run {@code run}'s topology: halting at the chosen point of that run, if any, else until killed. */
    private static ChildTopology startChild(LocalKafkaBroker broker, String kairosUrl, Path work, int run,
                                            List<KillPoint> chosen) throws java.io.IOException {
        Path runDir = work.resolve("run" + run);
        return run < chosen.size()
                ? ChildTopology.startHaltingAt(chosen.get(run), 3, broker.bootstrapServers(), kairosUrl, runDir, 5)
                : ChildTopology.start(broker.bootstrapServers(), kairosUrl, runDir, 5);
    }

    private static long rewrites(Path work, int runs) throws java.io.IOException {
        return linesOf(work, runs, "rewriting the same partials").size();
    }

    /** The lines of every run's topology log that contain {@code text}. */
    private static List<String> linesOf(Path work, int runs, String text) throws java.io.IOException {
        List<String> lines = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            Path log = work.resolve("run" + run).resolve("topology.log");
            if (Files.exists(log)) {
                Files.readAllLines(log).stream().filter(l -> l.contains(text)).forEach(lines::add);
            }
        }
        return lines;
    }

    private static String lastLine(Path log, String text) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
        return lines.isEmpty() ? "(no line with '" + text + "' in " + log + ")" : lines.get(lines.size() - 1);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (Exception e) {
            return e.toString();
        }
    }
}
