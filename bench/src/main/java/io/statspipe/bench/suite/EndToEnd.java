package io.statspipe.bench.suite;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.statspipe.adapter.ingest.StatsdLineParser;
import io.statspipe.adapter.ingest.StatsdUdpListener;
import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.KafkaDeadLetters;
import io.statspipe.adapter.kafka.KafkaTopics;
import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosReadBack;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.mongo.LegacyEventWriter;
import io.statspipe.adapter.mongo.LegacyMongoServer;
import io.statspipe.adapter.storm.LocalStormCluster;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.PipelineHealth;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.bench.Spooler;
import io.statspipe.bench.topology.NaiveTopology;
import io.statspipe.bench.topology.TopologyBenchmark;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RuleSet;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.kairosdb.client.HttpClient;
import org.kairosdb.client.builder.MetricBuilder;

/**
 * The end-to-end figures on real engines started here (an in-process KRaft broker, KairosDB as a
 * child JVM on H2 or on a local Cassandra, Storm's LocalCluster, the MongoDB-protocol server), all
 * on 127.0.0.1:
 *
 * <ul>
 *   <li>statspipe at full rate: StatsD datagrams parsed by the agent's parser, spooled and
 *       forwarded by the store-and-forward agent to Kafka, counted by the topology, written to
 *       KairosDB; the clock runs from the first line sent until the exact totals of every line sent
 *       are queryable in KairosDB at the finest resolution (the coarser ones are checked exact
 *       too, untimed). Beside it, in the same run, on the same lines:</li>
 *   <li>the naive topology (one tuple per event), fed by the same agent path;</li>
 *   <li>the legacy path: one {@code $inc} upsert per parsed event into the MongoDB-protocol server;</li>
 *   <li>one KairosDB data point per parsed event (5,000 points per gzipped request).</li>
 * </ul>
 *
 * Also measured during the full-rate run: database writes per event, KairosDB points per flush
 * beside the (series, finest bucket) pairs the flushes touched, and freshness (marker events sent
 * at a steady rate, KairosDB polled until each marker's bucket shows it). A second statspipe run,
 * on a topology of its own, sends the same workload paced at a steady rate and measures freshness
 * the same way.
 */
public final class EndToEnd {
    private static final int PARTITIONS = 4;
    private static final int CHUNK_EVENTS = StatsdUdpListener.CHUNK_EVENTS;
    private static final Duration VISIBLE_WITHIN = Duration.ofMinutes(5);
    /** Coarser resolutions may be written only every few flushes: their exact totals get longer to show. */
    private static final Duration COARSER_VISIBLE_WITHIN = Duration.ofMinutes(10);
    /** Freshness target: a flush interval, plus this for the commit and the query to see it. */
    private static final Duration FRESHNESS_MARGIN = Duration.ofSeconds(5);
    /** The rules the topology runs with (the defaults: 1m and 1h). */
    private static final RuleSet RULES = RuleSet.defaults();
    private static final Resolution FINEST = RULES.finestResolution();

    /** Stores the topology creates in this JVM, so their written points can be added up. */
    private static final Queue<KairosAggregateStore> STORES = new ConcurrentLinkedQueue<>();

    /** The datastore KairosDB runs on in the end-to-end part. */
    public enum Store {
        H2("KairosDB on H2"), CASSANDRA("KairosDB on a local Cassandra");

        private final String label;

        Store(String label) {
            this.label = label;
        }

        /** {@code h2} or {@code cassandra}, as {@code --store} takes it. */
        public static Store parse(String name) {
            for (Store s : values()) {
                if (s.key().equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("--store must be h2 or cassandra, got '" + name + "'");
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String label() {
            return label;
        }
    }

    /**
     * How long each part runs.
     *
     * @param warmUp         how long the workload is sent, untimed, through a pipeline of its own (and then
     *                       through the naive topology) before the measured runs: the JIT compiles the
     *                       hot paths of this JVM and of KairosDB's before any clock starts, as they
     *                       are in a pipeline that has run for a while (none when zero)
     * @param run            how long StatsD lines are sent to statspipe at full rate
     * @param naiveRun       the same for the naive topology
     * @param legacyRun      how long the legacy path writes
     * @param pointRun       how long the one-point-per-event writer writes
     * @param flushInterval  statspipe's flush interval
     * @param coarseFlushInterval how often statspipe writes its coarser (1h) partials
     * @param renderedLines  lines rendered up front and sent over and over
     * @param probeEvery     how often a freshness marker is sent
     * @param maxLines       the most lines sent to statspipe and to the naive topology (a smoke run's bound)
     * @param maxAhead       the most lines sent to statspipe and not yet counted (bounds the backlog drained at the end)
     * @param drain          how long statspipe may take after the last line to count everything; past it the
     *                       figure is what was counted by then (and says so), with exactness unchecked
     * @param steadyRates    events/s of the paced runs that measure freshness at a steady load, one run each
     *                       (a full plan: a moderate load and the target rate, so that freshness at the full
     *                       rate is measured at a rate the pipeline is asked to sustain, not with a sender
     *                       offering more than it counts, whose queue grows without bound)
     * @param steadyRun      how long each paced run sends
     * @param store          the datastore under KairosDB
     */
    public record Plan(Duration warmUp, Duration run, Duration naiveRun, Duration legacyRun, Duration pointRun, Duration flushInterval,
                       Duration coarseFlushInterval, int renderedLines, Duration probeEvery, long maxLines, long maxAhead, Duration drain,
                       List<Double> steadyRates, Duration steadyRun, Store store) {
        /**
         * The backlog bound of a full run: about 30 s of input at 1M events/s, so that the lines a
         * flush interval holds unacked (and those on their way through the spool and Kafka) fit
         * under it at the rates the targets ask for.
         */
        public static final long MAX_AHEAD = 30_000_000;
        /** How long a full run may drain: a backlog of {@link #MAX_AHEAD} at 500,000 events/s takes a minute. */
        public static final Duration DRAIN = Duration.ofMinutes(3);

        /** The end-to-end rate the suite's target asks for: one steady run is paced at it. */
        public static final double TARGET_RATE = 500_000;

        public Plan {
            steadyRates = List.copyOf(steadyRates);
            if (maxAhead < CHUNK_EVENTS) {
                throw new IllegalArgumentException("--max-ahead must be at least " + CHUNK_EVENTS + " lines, got " + maxAhead);
            }
            if (drain.isNegative() || drain.isZero()) {
                throw new IllegalArgumentException("--drain must be a positive number of seconds, got " + drain.toSeconds());
            }
        }

        public static Plan full() {
            return new Plan(Duration.ofSeconds(20), Duration.ofSeconds(120), Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(15),
                    Duration.ofSeconds(10), TopologySettings.DEFAULT_COARSE_FLUSH_INTERVAL, 2_000_000,
                    Duration.ofMillis(500), Long.MAX_VALUE, MAX_AHEAD, DRAIN,
                    List.of(100_000d, TARGET_RATE), Duration.ofSeconds(60), Store.H2);
        }

        public static Plan quick() {
            return new Plan(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1),
                    Duration.ofSeconds(2), Duration.ofSeconds(6), 100_000, Duration.ofMillis(250), 100_000, 100_000,
                    Duration.ofMinutes(4),
                    List.of(5_000d), Duration.ofSeconds(4), Store.H2);
        }

        /** The same plan with KairosDB on {@code store}. */
        public Plan on(Store store) {
            return new Plan(warmUp, run, naiveRun, legacyRun, pointRun, flushInterval, coarseFlushInterval, renderedLines, probeEvery,
                    maxLines, maxAhead,
                    drain, steadyRates, steadyRun, store);
        }

        /** The same plan with other backlog and drain bounds. */
        public Plan limitedTo(long maxAhead, Duration drain) {
            return new Plan(warmUp, run, naiveRun, legacyRun, pointRun, flushInterval, coarseFlushInterval, renderedLines, probeEvery,
                    maxLines, maxAhead,
                    drain, steadyRates, steadyRun, store);
        }
    }

    private EndToEnd() {
    }

    public static List<Figure> measure(Workload workload, Plan plan, Path dir, Profiler profiler) throws Exception {
        System.err.printf("end to end on the %s workload: rendering %,d StatsD lines...%n", workload.name(), plan.renderedLines());
        StatsdLines statspipeLines = StatsdLines.render(workload, "e2e.", plan.renderedLines());
        StatsdLines naiveLines = StatsdLines.render(workload, "naive.", plan.renderedLines());
        StatsdLines legacyLines = StatsdLines.render(workload, "legacy.", Math.min(plan.renderedLines(), 500_000));
        StatsdLines pointLines = StatsdLines.render(workload, "point.", Math.min(plan.renderedLines(), 1_000_000));
        // a null resource is allowed (and not closed): Cassandra runs only under --store cassandra
        try (LocalKafkaBroker broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
             LocalCassandra cassandra = plan.store() == Store.CASSANDRA ? new LocalCassandra(
                     new LocalCassandra.Config(dir.resolve("cassandra"), 1024, Duration.ofMinutes(3))).start() : null;
             LocalKairosDb kairos = kairosOn(cassandra, dir).start()) {
            String bootstrap = broker.bootstrapServers();
            TopicLayout statspipeTopics = new TopicLayout("e2e.events", "e2e.deadletter", PARTITIONS, (short) 1);
            TopicLayout naiveTopics = new TopicLayout("naive.events", "naive.deadletter", PARTITIONS, (short) 1);
            statspipeTopics.ensureExists(bootstrap);
            naiveTopics.ensureExists(bootstrap);

            warmUp(workload, plan, dir, bootstrap, kairos.httpUrl());
            Statspipe statspipe = statspipe("e2e", workload, plan, plan.run(), 0, dir, bootstrap, statspipeTopics,
                    kairos.httpUrl(), statspipeLines, profiler);
            Map<Double, Statspipe> steady = new LinkedHashMap<>();
            for (double rate : plan.steadyRates()) {
                // each paced run has metric names and topics of its own: their buckets must not add up
                String name = String.format(Locale.ROOT, "steady%.0fk", rate / 1000);
                TopicLayout topics = new TopicLayout(name + ".events", name + ".deadletter", PARTITIONS, (short) 1);
                topics.ensureExists(bootstrap);
                steady.put(rate, statspipe(name, workload, plan, plan.steadyRun(), rate, dir, bootstrap, topics,
                        kairos.httpUrl(), StatsdLines.render(workload, name + ".", plan.renderedLines()), Profiler.to(null)));
            }
            Run naive = naive(plan, dir, bootstrap, naiveTopics, kairos.httpUrl(), naiveLines);
            Run legacy = legacy(legacyLines, plan.legacyRun());
            Run point = pointPerEvent(pointLines, plan.pointRun(), kairos.httpUrl());

            List<Figure> figures = new ArrayList<>();
            String w = workload.name();
            String store = plan.store().label();
            figures.add(new Figure("end-to-end events/s (StatsD -> KairosDB)", w, statspipe.run.rate(), "events/s",
                    "naive topology (1 tuple/event)", naive.rate(), true, 500_000, 25,
                    String.format(Locale.ROOT, "%s; target 500,000 events/s, the compass goal 1,000,000; statspipe: %s; naive: %,d events over %.1f s, timed until written (it "
                            + "does not count exactly)", store, statspipe.note, naive.events, naive.seconds)));
            figures.add(new Figure("end-to-end events/s vs legacy", w, statspipe.run.rate(), "events/s",
                    "legacy: 1 $inc per event", legacy.rate(), true, Double.NaN,
                    String.format(Locale.ROOT, "legacy ran %.1f s (%,d events) on the in-process MongoDB-protocol server,"
                            + " whose speed says little about a real MongoDB", legacy.seconds, legacy.events)));
            figures.add(new Figure("end-to-end events/s vs KairosDB point/event", w, statspipe.run.rate(), "events/s",
                    "1 KairosDB point per event", point.rate(), true, Double.NaN,
                    String.format(Locale.ROOT, "one point per event ran %.1f s (%,d events), timed until KairosDB "
                            + "acknowledged the last request", point.seconds, point.events)));
            figures.add(new Figure("database writes per event", w, statspipe.pointsPerEvent(), "writes/event",
                    "legacy: $inc updates per event", legacy.writes / (double) legacy.events, false, 0.001, 1000,
                    String.format(Locale.ROOT, "statspipe wrote %,d KairosDB points for %,d events (1 per %,.0f) at the "
                            + "%,.0f events/s reached; at that rate one point per series touched per flush would be 1 per "
                            + "%,.0f (the target of 1 per 1,000 is that floor at 1M events/s, 10k series and a 10 s flush)",
                            statspipe.points, statspipe.counted, statspipe.counted / (double) Math.max(1, statspipe.points),
                            statspipe.run.rate(), 1 / floorPointsPerEvent(workload.seriesCount(), statspipe.run.rate(),
                                    plan.flushInterval()))));
            figures.add(new Figure("KairosDB points per flush", w, statspipe.pointsPerFlush(), "points/flush",
                    "(series, " + FINEST.name() + " bucket) pairs per flush", statspipe.pairsPerFlush(), false, Double.NaN,
                    String.format(Locale.ROOT, "%,d points over %,d flushes (a flush: one partition's range; %d partitions, "
                            + "flush interval %d s), %,d (series, %s bucket) pairs (partials of the finest resolution)",
                            statspipe.points, statspipe.flushes, PARTITIONS, plan.flushInterval().toSeconds(),
                            statspipe.pairs, FINEST.name())));
            figures.add(new Figure("KairosDB points per (series, finest bucket) pair", w, statspipe.pointsPerPair(),
                    "points/pair", "1 point per pair", 1, false, 1.2,
                    "points per flush / pairs per flush, over all the run's flushes (the sums' ratio)"));
            double freshnessTarget = (plan.flushInterval().plus(FRESHNESS_MARGIN)).toMillis() / 1e3;
            String targetName = "flush interval + " + FRESHNESS_MARGIN.toSeconds() + " s";
            figures.add(new Figure("freshness p50, sent -> queryable (s)", w, statspipe.freshness.p50(), "s",
                    targetName, freshnessTarget, false, Double.NaN, "full rate, the sender offering all it can; "
                    + statspipe.freshness.describe()));
            figures.add(new Figure("freshness p99, sent -> queryable (s)", w, statspipe.freshness.p99(), "s",
                    targetName, freshnessTarget, false, Double.NaN, "full rate: lines the pipeline has not counted yet queue "
                    + "in front of each marker, so this grows with the run's length (informative, not the target's run)"));
            steady.forEach((rate, run) -> {
                String steadyWorkload = String.format(Locale.ROOT, "%s, steady %,.0f events/s", w, rate);
                figures.add(new Figure("freshness p50, sent -> queryable (s)", steadyWorkload, run.freshness.p50(), "s",
                        targetName, freshnessTarget, false, Double.NaN, String.format(Locale.ROOT, "%s; %s; %s", store,
                                run.note, run.freshness.describe())));
                figures.add(new Figure("freshness p99, sent -> queryable (s)", steadyWorkload, run.freshness.p99(), "s",
                        targetName, freshnessTarget, false, freshnessTarget, ""));
            });
            return figures;
        }
    }

    private static LocalKairosDb kairosOn(LocalCassandra cassandra, Path dir) {
        LocalKairosDb.Builder kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).heapMegabytes(1536);
        return (cassandra == null ? kairos.h2() : kairos.cassandra(cassandra.cqlHost())).build();
    }

    /**
     * Points per event when each flush writes one point per series it touched: {@code E} events
     * per flush interval spread evenly over {@code n} series touch {@code n (1 - e^(-E/n))} of them.
     */
    static double floorPointsPerEvent(int series, double eventsPerSecond, Duration flushInterval) {
        double perFlush = eventsPerSecond * flushInterval.toMillis() / 1e3;
        return perFlush <= 0 ? 1 : series * -Math.expm1(-perFlush / series) / perFlush;
    }

    // ---- statspipe --------------------------------------------------------------------------

    /**
     * One statspipe run's figures.
     *
     * @param flushes flushes completed (one per partition's range)
     * @param pairs   (series, finest bucket) pairs written: partials of the finest resolution
     */
    private record Statspipe(Run run, long counted, long points, long flushes, long pairs, String note,
                             FreshnessProbe.Samples freshness) {
        double pointsPerEvent() {
            return points / (double) counted;
        }

        double pointsPerFlush() {
            return points / (double) Math.max(1, flushes);
        }

        double pairsPerFlush() {
            return pairs / (double) Math.max(1, flushes);
        }

        double pointsPerPair() {
            return points / (double) Math.max(1, pairs);
        }
    }

    /**
     * Runs statspipe on a topology of its own (named {@code name}: its topics, metric prefix,
     * spool and health are its own) and sends the lines for {@code duration}, as fast as the
     * backlog bound lets it or paced at {@code pace} events/s (when above 0).
     */
    private static Statspipe statspipe(String name, Workload workload, Plan plan, Duration duration, double pace, Path dir,
                                       String bootstrap, TopicLayout topics, String url, StatsdLines lines, Profiler profiler)
            throws Exception {
        STORES.clear();
        long from = queriesFrom();
        try (LocalTopologyRunner runner = LocalTopologyRunner.start(settings(name, plan, bootstrap, topics),
                plugs(url), dir.resolve("storm-" + name));
             StoreAndForwardAgent agent = StoreAndForwardAgent.start(
                     AgentSettings.of(bootstrap, topics, SpoolSettings.defaults(dir.resolve("spool-" + name))));
             KairosAggregateStore reader = new KairosAggregateStore(KairosStoreConfig.of(url))) {
            FreshnessProbe probe = new FreshnessProbe(agent, reader, lines.prefix() + "probe", plan.probeEvery(), from, FINEST);
            // the topology's tasks take seconds to start after it is submitted: events counted before the
            // clock starts keep that start-up out of the rate and out of the freshness markers
            int warmUp = awaitTopologyCounting(agent, lines.prefix() + "warmup", () -> runner.health().eventsCounted());
            PipelineHealth.Snapshot atStart = runner.health();
            long pointsAtStart = STORES.stream().mapToLong(KairosAggregateStore::pointsWritten).sum();
            LongSupplier counted = () -> runner.health().eventsCounted() - warmUp;
            String paced = pace > 0 ? String.format(Locale.ROOT, " paced at %,.0f events/s", pace) : "";
            System.err.printf("%s: sending StatsD lines%s for %d s...%n", name, paced, duration.toSeconds());
            profiler.start();
            long began = System.nanoTime();
            long sent;
            long done;
            double seconds;
            String note;
            FreshnessProbe.Samples freshness;
            try {
                probe.start();
                sent = send(agent, lines, duration, plan.maxLines(), counted, probe::sent, plan.maxAhead(), 0, pace);
                double sending = (System.nanoTime() - began) / 1e9;
                probe.stopSending();
                long expected = sent + probe.sent();
                System.err.printf(Locale.ROOT, "%s: %,d lines sent in %.1f s; waiting for the topology to count them...%n",
                        name, sent, sending);
                String sentAt = String.format(Locale.ROOT, "%,d lines sent in %.1f s (%,.0f events/s%s)", sent, sending,
                        sent / sending, pace > 0 ? String.format(Locale.ROOT, ", paced at %,.0f", pace) : "");
                boolean drained = reached(counted, expected, plan.drain());
                if (drained) {
                    System.err.printf(Locale.ROOT, "%s: all counted after %.1f s; waiting for exact totals in KairosDB...%n",
                            name, (System.nanoTime() - began) / 1e9);
                    int queries = awaitExactTotals(reader, workload, lines.prefix(), from, sent, FINEST, VISIBLE_WITHIN);
                    seconds = (System.nanoTime() - began) / 1e9;
                    done = sent;
                    StringBuilder coarser = new StringBuilder();
                    for (Resolution r : resolutions()) {
                        if (!r.equals(FINEST)) {
                            queries += awaitExactTotals(reader, workload, lines.prefix(), from, sent, r, COARSER_VISIBLE_WITHIN);
                            coarser.append(String.format(Locale.ROOT, ", at %s after %.1f s", r.name(),
                                    (System.nanoTime() - began) / 1e9));
                        }
                    }
                    note = String.format(Locale.ROOT, "%s; exact totals of every line queryable at %s after %.1f s (the "
                            + "figure's clock)%s (%d KairosDB queries)", sentAt, FINEST.name(), seconds, coarser, queries);
                } else {
                    seconds = (System.nanoTime() - began) / 1e9;
                    done = Math.max(0, counted.getAsLong() - probe.sent());
                    note = String.format(Locale.ROOT, "NOT DRAINED: %s, only %,d counted %.0f s after the last line; the "
                            + "figure is counted / %.1f s, exactness not checked", sentAt, done,
                            plan.drain().toMillis() / 1e3, seconds);
                }
                profiler.stop();
                freshness = probe.awaitAll(drained ? VISIBLE_WITHIN : Duration.ofSeconds(1));
            } finally {
                probe.stop();
            }
            long points = STORES.stream().mapToLong(KairosAggregateStore::pointsWritten).sum() - pointsAtStart;
            PipelineHealth.Snapshot health = runner.health();
            long flushes = health.flushes() - atStart.flushes();
            long pairs = health.partialsWrittenByResolution().getOrDefault(FINEST, 0L)
                    - atStart.partialsWrittenByResolution().getOrDefault(FINEST, 0L);
            System.err.printf(Locale.ROOT, "%s: %,d events exact in KairosDB after %.1f s = %,.0f events/s; %,d points in "
                    + "%,d flushes, %,d (series, %s bucket) pairs%n", name, done, seconds, done / seconds, points, flushes,
                    pairs, FINEST.name());
            return new Statspipe(new Run(done, seconds, points), counted.getAsLong(), points, flushes, pairs, note, freshness);
        }
    }

    /** Where a run's queries start: whole hours (a range starting inside an hour would miss that hour's points). */
    private static long queriesFrom() {
        return (System.currentTimeMillis() / 3_600_000 - 1) * 3_600_000;
    }

    /** The topology statspipe runs as in every part: named {@code name}, reading {@code topics}. */
    private static TopologySettings settings(String name, Plan plan, String bootstrap, TopicLayout topics) {
        return new TopologySettings(name, bootstrap, topics.events(), topics.deadLetters(),
                name + ".flush-intents", name + "-statspipe", plan.flushInterval(), Duration.ofSeconds(10), Duration.ofHours(6),
                Duration.ofMinutes(5), 16 * 1024 * 1024, 1, 2, 1, 50_000,
                Duration.ofSeconds(Math.max(120, plan.flushInterval().toSeconds() * 6)))
                .withCoarseFlushInterval(plan.coarseFlushInterval());
    }

    private static TopologyPlugs plugs(String url) {
        return new TopologyPlugs(() -> RULES, ProtobufEventBatchFormat::new, countedStore(url),
                () -> new KairosReadBack(KairosStoreConfig.forRules(url, RuleSet.defaults())), KafkaDeadLetters::new,
                KafkaTopics::ensureCompacted);
    }

    /**
     * Sends the workload for {@code plan.warmUp()} through a statspipe of its own (topology, topics,
     * spool and metric names), untimed, and waits until its counts are queryable at the finest
     * resolution: every stage of the measured runs, in this JVM and in KairosDB's, has then run
     * long enough to be compiled. The measured runs start on topologies of their own, so nothing
     * of the warm-up is in their figures.
     */
    private static void warmUp(Workload workload, Plan plan, Path dir, String bootstrap, String url) throws Exception {
        if (plan.warmUp().isZero()) {
            return;
        }
        String name = "warmup";
        TopicLayout topics = new TopicLayout(name + ".events", name + ".deadletter", PARTITIONS, (short) 1);
        topics.ensureExists(bootstrap);
        StatsdLines lines = StatsdLines.render(workload, name + ".", plan.renderedLines());
        long from = queriesFrom();
        try (LocalTopologyRunner runner = LocalTopologyRunner.start(settings(name, plan, bootstrap, topics), plugs(url),
                dir.resolve("storm-" + name));
             StoreAndForwardAgent agent = StoreAndForwardAgent.start(
                     AgentSettings.of(bootstrap, topics, SpoolSettings.defaults(dir.resolve("spool-" + name))));
             KairosAggregateStore reader = new KairosAggregateStore(KairosStoreConfig.of(url))) {
            int first = awaitTopologyCounting(agent, name + ".first", () -> runner.health().eventsCounted());
            LongSupplier counted = () -> runner.health().eventsCounted() - first;
            System.err.printf("warm-up: sending StatsD lines for %d s (untimed)...%n", plan.warmUp().toSeconds());
            long sent = send(agent, lines, plan.warmUp(), plan.maxLines(), counted, () -> 0, plan.maxAhead(), 0, 0);
            if (!reached(counted, sent, plan.drain())) {
                throw new IllegalStateException("the warm-up's topology did not count its " + sent + " lines within "
                        + plan.drain());
            }
            awaitExactTotals(reader, workload, lines.prefix(), from, sent, FINEST, VISIBLE_WITHIN);
            System.err.printf(Locale.ROOT, "warm-up: %,d lines counted and queryable%n", sent);
        }
    }

    /**
     * Sends one counter event on each of 64 series of the metric and waits until the topology has
     * counted them all; returns the events sent. Series are spread over partitions by hash: 64 of
     * them leave none of 4 partitions out but with a chance of 4 x (3/4)^64, about 1 in 25 million.
     */
    private static int awaitTopologyCounting(StoreAndForwardAgent agent, String metric, LongSupplier counted) throws InterruptedException {
        StatsdLineParser parser = new StatsdLineParser();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] line = (metric + ":1|c|#w:" + i).getBytes(StandardCharsets.US_ASCII);
            parser.parse(line, 0, line.length, System.currentTimeMillis(), events, EndToEnd::refuse);
        }
        agent.offer(events);
        if (!reached(counted, events.size(), VISIBLE_WITHIN)) {
            throw new IllegalStateException("the topology did not count " + events.size() + " warm-up events within "
                    + VISIBLE_WITHIN);
        }
        return events.size();
    }

    /** Every resolution the rules write, finest first. */
    private static List<Resolution> resolutions() {
        return RULES.rules().stream().flatMap(r -> r.resolutions().stream()).distinct().sorted().toList();
    }

    private static TopologyPlugs.Factory<io.statspipe.ports.out.WritePartialsPort> countedStore(String url) {
        return () -> {
            KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(url));
            STORES.add(store);
            return store;
        };
    }

    /**
     * Polls KairosDB until the counts of the workload's metrics at {@code resolution} add up to the
     * lines sent; more fails the run as inexact. Returns the queries of the last poll.
     */
    private static int awaitExactTotals(KairosAggregateStore reader, Workload workload, String prefix, long from, long sent,
                                        Resolution resolution, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> metrics = StatsdLines.metrics(workload, prefix);
        long total = -1;
        long nextReport = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            TimeRange range = new TimeRange(from, System.currentTimeMillis() + 3_600_000);
            total = 0;
            for (int m = 0; m < metrics.size(); m++) {
                Kind kind = workload.kindOf(m) == Kind.COUNTER ? Kind.COUNTER : Kind.DISTRIBUTION;
                total += sum(reader.query(StatsQuery.of(metrics.get(m), kind, range, resolution, Aggregation.COUNT)));
            }
            if (total == sent) {
                return metrics.size();
            }
            if (total > sent) {
                throw new IllegalStateException("KairosDB holds " + total + " counts at " + resolution.name() + " for "
                        + sent + " lines sent: not exact");
            }
            if (System.nanoTime() > nextReport) {
                System.err.printf(Locale.ROOT, "  KairosDB shows %,d of %,d lines at %s so far%n", total, sent,
                        resolution.name());
                nextReport = System.nanoTime() + 10_000_000_000L;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("KairosDB shows " + total + " of " + sent + " lines at " + resolution.name()
                + " after " + within);
    }

    private static long sum(List<SeriesResult> results) {
        long sum = 0;
        for (SeriesResult r : results) {
            for (Point p : r.points()) {
                sum += Math.round(p.value());
            }
        }
        return sum;
    }

    // ---- naive topology ---------------------------------------------------------------------

    private static Run naive(Plan plan, Path dir, String bootstrap, TopicLayout topics, String url, StatsdLines lines)
            throws Exception {
        NaiveTopology.reset();
        try (LocalStormCluster storm = LocalStormCluster.start(dir.resolve("naive-storm"));
             StoreAndForwardAgent agent = StoreAndForwardAgent.start(
                     AgentSettings.of(bootstrap, topics, SpoolSettings.defaults(dir.resolve("spool-naive"))))) {
            storm.cluster().submitTopology("naive", NaiveTopology.config(),
                    NaiveTopology.build(bootstrap, topics.events(), "naive", url));
            if (!plan.warmUp().isZero()) {
                // its own tasks and KairosDB writes compiled too before its clock starts, as statspipe's are
                Duration warmUp = plan.warmUp().compareTo(plan.naiveRun()) < 0 ? plan.warmUp() : plan.naiveRun();
                System.err.printf("naive: warming up for %d s (untimed)...%n", warmUp.toSeconds());
                long warm = send(agent, lines, warmUp, plan.maxLines(), NaiveTopology.EVENTS_WRITTEN::get, () -> 0, 300_000, 3, 0);
                awaitAtLeast(NaiveTopology.EVENTS_WRITTEN::get, warm, "naive warm-up written");
                NaiveTopology.reset();
            }
            System.err.printf("naive: sending StatsD lines for %d s...%n", plan.naiveRun().toSeconds());
            long began = System.nanoTime();
            long sent = send(agent, lines, plan.naiveRun(), plan.maxLines(), NaiveTopology.EVENTS_WRITTEN::get, () -> 0, 300_000, 3, 0);
            awaitAtLeast(NaiveTopology.EVENTS_WRITTEN::get, sent, "naive written");
            double seconds = (System.nanoTime() - began) / 1e9;
            System.err.printf(Locale.ROOT, "naive: %,d events written in %.1f s = %,.0f events/s%n", sent, seconds, sent / seconds);
            storm.cluster().killTopology("naive");
            return new Run(sent, seconds, NaiveTopology.POINTS_WRITTEN.get());
        }
    }

    // ---- legacy: one $inc per event ------------------------------------------------------------

    private static Run legacy(StatsdLines lines, Duration duration) throws Exception {
        System.err.printf("legacy: one $inc per event for %d s...%n", duration.toSeconds());
        try (LegacyMongoServer server = LegacyMongoServer.inMemory().start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            LegacyEventWriter writer = new LegacyEventWriter(client.getDatabase("legacy"));
            long began = System.nanoTime();
            long written = eachEventFor(lines, duration, writer::record);
            return new Run(written, (System.nanoTime() - began) / 1e9, written);
        }
    }

    // ---- one KairosDB data point per event -----------------------------------------------------

    private static Run pointPerEvent(StatsdLines lines, Duration duration, String url) throws Exception {
        System.err.printf("one KairosDB point per event for %d s...%n", duration.toSeconds());
        try (HttpClient client = new HttpClient(url)) {
            /** Events as points, 5,000 per gzipped request. */
            final class Requests implements EventHandler {
                private MetricBuilder request = newRequest();
                private int points;

                @Override
                public void handle(Event e) throws Exception {
                    var metric = request.addMetric(e.series().metric()).addTags(e.series().tags().asMap());
                    if (e.kind() == Kind.COUNTER) {
                        metric.addDataPoint(e.timestamp(), e.increment());
                    } else {
                        metric.addDataPoint(e.timestamp(), e.value());
                    }
                    if (++points == 5_000) {
                        send();
                    }
                }

                void send() throws Exception {
                    if (points > 0) {
                        client.pushMetrics(request);
                        request = newRequest();
                        points = 0;
                    }
                }
            }
            Requests requests = new Requests();
            long began = System.nanoTime();
            long written = eachEventFor(lines, duration, requests);
            requests.send();
            return new Run(written, (System.nanoTime() - began) / 1e9, written);
        }
    }

    /** What a baseline does with each event. */
    private interface EventHandler {
        void handle(Event event) throws Exception;
    }

    /**
     * Parses the lines' datagrams over and over, handing every event to {@code handler}, until
     * {@code duration} has passed at the end of a datagram; returns the events handed over.
     */
    private static long eachEventFor(StatsdLines lines, Duration duration, EventHandler handler) throws Exception {
        StatsdLineParser parser = new StatsdLineParser();
        List<Event> events = new ArrayList<>();
        long handled = 0;
        long deadline = System.nanoTime() + duration.toNanos();
        while (true) {
            for (byte[] datagram : lines.datagrams()) {
                events.clear();
                parser.parse(datagram, 0, datagram.length, System.currentTimeMillis(), events, EndToEnd::refuse);
                for (Event e : events) {
                    handler.handle(e);
                    handled++;
                }
                if (System.nanoTime() > deadline) {
                    return handled;
                }
            }
        }
    }

    private static MetricBuilder newRequest() {
        MetricBuilder request = MetricBuilder.getInstance();
        request.setCompression(true);
        return request;
    }

    // ---- the sender: StatsD datagrams -> parser -> agent spool (-> forwarder -> Kafka) ----------

    /**
     * Sends the lines' datagrams over and over for {@code duration} the way the StatsD listener
     * does (this thread parses, a second one spools), returns the events sent. It holds back when
     * more than {@code max(floor, horizonSeconds x the rate counted so far)} events are sent but
     * not yet counted downstream, so the run ends with a bounded backlog instead of a queue that
     * takes minutes to drain. With {@code pace} above 0 it also holds back to send no more than
     * {@code pace} events per second (chunk by chunk).
     */
    private static long send(StoreAndForwardAgent agent, StatsdLines lines, Duration duration, long maxLines, LongSupplier counted,
                             LongSupplier extra, long floor, double horizonSeconds, double pace) throws InterruptedException {
        Spooler spooler = new Spooler(agent);
        StatsdLineParser parser = new StatsdLineParser();
        long sent = 0;
        long began = System.nanoTime();
        long deadline = began + duration.toNanos();
        List<Event> pending = new ArrayList<>(CHUNK_EVENTS);
        outer:
        while (true) {
            for (byte[] datagram : lines.datagrams()) {
                parser.parse(datagram, 0, datagram.length, System.currentTimeMillis(), pending, EndToEnd::refuse);
                if (pending.size() >= CHUNK_EVENTS) {
                    spooler.put(pending);
                    sent += pending.size();
                    pending = new ArrayList<>(CHUNK_EVENTS);
                    while (true) {
                        long now = System.nanoTime();
                        if (now > deadline || sent >= maxLines) {
                            break outer;
                        }
                        long done = counted.getAsLong();
                        double rate = done / ((now - began) / 1e9);
                        boolean onPace = pace <= 0 || now - began >= sent / pace * 1e9;
                        if (onPace && sent + extra.getAsLong() - done <= Math.max(floor, horizonSeconds * rate)) {
                            break;
                        }
                        Thread.sleep(5);
                    }
                }
            }
        }
        spooler.put(pending);
        sent += pending.size();
        spooler.finish();
        return sent;
    }

    private static void refuse(byte[] data, int offset, int length, String reason) {
        throw new IllegalStateException("a rendered line was refused: " + reason + ": "
                + new String(data, offset, length, StandardCharsets.US_ASCII));
    }

    /** Waits up to {@code within} for {@code value} to reach {@code expected}; more than expected is an error. */
    private static boolean reached(LongSupplier value, long expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long nextReport = System.nanoTime() + 20_000_000_000L;
        while (value.getAsLong() < expected && System.nanoTime() < deadline) {
            if (System.nanoTime() > nextReport) {
                System.err.printf(Locale.ROOT, "  counted %,d of %,d%n", value.getAsLong(), expected);
                nextReport = System.nanoTime() + 20_000_000_000L;
            }
            Thread.sleep(20);
        }
        if (value.getAsLong() > expected) {
            throw new IllegalStateException("counted " + value.getAsLong() + " events, more than the " + expected + " sent");
        }
        return value.getAsLong() >= expected;
    }

    private static void awaitAtLeast(LongSupplier value, long expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
        while (value.getAsLong() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " " + value.getAsLong() + " of " + expected + " events within "
                        + VISIBLE_WITHIN);
            }
            Thread.sleep(20);
        }
        if (value.getAsLong() > expected) {
            throw new IllegalStateException(what + " " + value.getAsLong() + " events, more than the " + expected + " sent");
        }
    }


    private record Run(long events, double seconds, long writes) {
        double rate() {
            return events / seconds;
        }
    }
}
