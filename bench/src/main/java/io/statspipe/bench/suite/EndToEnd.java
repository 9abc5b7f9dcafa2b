package io.statspipe.bench.suite;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.mongo.LegacyEventWriter;
import io.statspipe.adapter.mongo.LegacyMongoServer;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.app.ingest.StatsdLineParser;
import io.statspipe.app.topology.KairosTopologyPlugs;
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
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.storm.LocalCluster;
import org.apache.storm.shade.org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.storm.shade.org.apache.zookeeper.server.ZooKeeperServer;
import org.kairosdb.client.HttpClient;
import org.kairosdb.client.builder.MetricBuilder;

/**
 * The end-to-end figures on real engines started here (an in-process KRaft broker, KairosDB on
 * H2 as a child JVM, Storm's LocalCluster, the MongoDB-protocol server), all on 127.0.0.1:
 *
 * <ul>
 *   <li>statspipe: StatsD datagrams parsed by the agent's parser, spooled and forwarded by the
 *       store-and-forward agent to Kafka, counted by the topology, written to KairosDB; the clock
 *       runs from the first line sent until the exact totals of every line sent are queryable in
 *       KairosDB. Beside it, in the same run, on the same lines:</li>
 *   <li>the naive topology (one tuple per event), fed by the same agent path;</li>
 *   <li>the legacy path: one {@code $inc} upsert per parsed event into the MongoDB-protocol server;</li>
 *   <li>one KairosDB data point per parsed event (5,000 points per gzipped request).</li>
 * </ul>
 *
 * Also measured during the statspipe run: database writes per event, and freshness (marker
 * events sent at a steady rate, KairosDB polled until each marker's bucket shows it).
 */
public final class EndToEnd {
    private static final int PARTITIONS = 4;
    private static final int CHUNK_EVENTS = 4096;
    private static final Duration VISIBLE_WITHIN = Duration.ofMinutes(5);

    /** Stores the topology creates in this JVM, so their written points can be added up. */
    private static final Queue<KairosAggregateStore> STORES = new ConcurrentLinkedQueue<>();

    /**
     * How long each part runs.
     *
     * @param run            how long StatsD lines are sent to statspipe
     * @param naiveRun       the same for the naive topology
     * @param legacyRun      how long the legacy path writes
     * @param pointRun       how long the one-point-per-event writer writes
     * @param flushInterval  statspipe's flush interval
     * @param renderedLines  lines rendered up front and sent over and over
     * @param probeEvery     how often a freshness marker is sent
     * @param maxLines       the most lines sent to statspipe and to the naive topology (a smoke run's bound)
     * @param maxAhead       the most lines sent to statspipe and not yet counted (bounds the backlog drained at the end)
     * @param drain          how long statspipe may take after the last line to count everything; past it the
     *                       figure is what was counted by then (and says so), with exactness unchecked
     */
    public record Plan(Duration run, Duration naiveRun, Duration legacyRun, Duration pointRun, Duration flushInterval,
                       int renderedLines, Duration probeEvery, long maxLines, long maxAhead, Duration drain) {
        public static Plan full() {
            return new Plan(Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(15),
                    Duration.ofSeconds(10), 2_000_000, Duration.ofMillis(500), Long.MAX_VALUE, 12_000_000, Duration.ofMinutes(3));
        }

        public static Plan quick() {
            return new Plan(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1),
                    Duration.ofSeconds(2), 100_000, Duration.ofMillis(250), 100_000, 100_000, Duration.ofMinutes(4));
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
        try (LocalKafkaBroker broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
             LocalKairosDb kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).h2().heapMegabytes(768)
                     .build().start()) {
            String bootstrap = broker.bootstrapServers();
            TopicLayout statspipeTopics = new TopicLayout("e2e.events", "e2e.deadletter", PARTITIONS, (short) 1);
            TopicLayout naiveTopics = new TopicLayout("naive.events", "naive.deadletter", PARTITIONS, (short) 1);
            TopologyBenchmark.ensure(statspipeTopics, bootstrap);
            TopologyBenchmark.ensure(naiveTopics, bootstrap);

            Statspipe statspipe = statspipe(workload, plan, dir, bootstrap, statspipeTopics, kairos.httpUrl(), statspipeLines,
                    profiler);
            Run naive = naive(plan, dir, bootstrap, naiveTopics, kairos.httpUrl(), naiveLines);
            Run legacy = legacy(legacyLines, plan.legacyRun());
            Run point = pointPerEvent(pointLines, plan.pointRun(), kairos.httpUrl());

            List<Figure> figures = new ArrayList<>();
            String w = workload.name();
            figures.add(new Figure("end-to-end events/s (StatsD -> KairosDB)", w, statspipe.run.rate(), "events/s",
                    "naive topology (1 tuple/event)", naive.rate(), true, 1_000_000, 25,
                    String.format(Locale.ROOT, "statspipe: %s; naive: %,d events over %.1f s, timed until written (it does "
                            + "not count exactly)", statspipe.note, naive.events, naive.seconds)));
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
                    String.format(Locale.ROOT, "statspipe wrote %,d KairosDB points for %,d events (1 per %,.0f); flush "
                            + "interval %d s; points = active (series, bucket) per flush, so they fall as the rate rises",
                            statspipe.points, statspipe.counted, statspipe.counted / (double) Math.max(1, statspipe.points),
                            plan.flushInterval().toSeconds())));
            double freshnessTarget = plan.flushInterval().toMillis() / 1e3 + 3;
            figures.add(new Figure("freshness p50, sent -> queryable (s)", w, statspipe.freshness.p50(), "s",
                    "flush interval + 3 s", freshnessTarget, false, Double.NaN,
                    statspipe.freshness.describe()));
            figures.add(new Figure("freshness p99, sent -> queryable (s)", w, statspipe.freshness.p99(), "s",
                    "flush interval + 3 s", freshnessTarget, false, freshnessTarget, ""));
            return figures;
        }
    }

    // ---- statspipe --------------------------------------------------------------------------

    private record Statspipe(Run run, long counted, long points, String note, Freshness freshness) {
        double pointsPerEvent() {
            return points / (double) counted;
        }
    }

    private static Statspipe statspipe(Workload workload, Plan plan, Path dir, String bootstrap, TopicLayout topics, String url,
                                       StatsdLines lines, Profiler profiler) throws Exception {
        STORES.clear();
        TopologySettings settings = new TopologySettings("e2e", bootstrap, topics.events(), topics.deadLetters(),
                "e2e.flush-intents", "e2e-statspipe", plan.flushInterval(), Duration.ofSeconds(10), Duration.ofHours(6),
                Duration.ofMinutes(5), 16 * 1024 * 1024, 1, 2, 1, 50_000,
                Duration.ofSeconds(Math.max(120, plan.flushInterval().toSeconds() * 6)));
        TopologyPlugs plugs = new TopologyPlugs(RuleSet::defaults, ProtobufEventBatchFormat::new, countedStore(url),
                () -> KairosTopologyPlugs.readBackAt(url));
        // queries cover whole hours: a range starting inside an hour would miss that hour's points
        long from = (System.currentTimeMillis() / 3_600_000 - 1) * 3_600_000;
        try (LocalTopologyRunner runner = LocalTopologyRunner.start(settings, plugs, dir.resolve("storm-e2e"));
             StoreAndForwardAgent agent = StoreAndForwardAgent.start(
                     AgentSettings.of(bootstrap, topics, SpoolSettings.defaults(dir.resolve("spool-e2e"))));
             KairosAggregateStore reader = new KairosAggregateStore(KairosStoreConfig.of(url))) {
            Probe probe = new Probe(agent, reader, lines.prefix() + "probe", plan.probeEvery(), from);
            LongSupplier counted = () -> runner.health().eventsCounted();
            double flushSeconds = plan.flushInterval().toMillis() / 1e3;
            System.err.printf("statspipe: sending StatsD lines for %d s...%n", plan.run().toSeconds());
            profiler.start();
            long began = System.nanoTime();
            long sent;
            long done;
            int metrics;
            double seconds;
            String note;
            Freshness freshness;
            try {
                probe.start();
                sent = send(agent, lines, plan.run(), plan.maxLines(), counted, probe::sent, plan.maxAhead(), 0);
                probe.stopSending();
                long expected = sent + probe.sent();
                System.err.printf(Locale.ROOT, "statspipe: %,d lines sent in %.1f s; waiting for the topology to count them...%n",
                        sent, (System.nanoTime() - began) / 1e9);
                boolean drained = reached(counted, expected, plan.drain());
                if (drained) {
                    System.err.printf(Locale.ROOT, "statspipe: all counted after %.1f s; waiting for exact totals in KairosDB...%n",
                            (System.nanoTime() - began) / 1e9);
                    metrics = awaitExactTotals(reader, workload, lines.prefix(), from, sent);
                    seconds = (System.nanoTime() - began) / 1e9;
                    done = sent;
                    note = String.format(Locale.ROOT, "%,d lines sent for %.0f s; exact totals of every line queryable after "
                            + "%.1f s (%d KairosDB queries)", sent, plan.run().toMillis() / 1e3, seconds, metrics);
                } else {
                    seconds = (System.nanoTime() - began) / 1e9;
                    done = Math.max(0, counted.getAsLong() - probe.sent());
                    note = String.format(Locale.ROOT, "NOT DRAINED: %,d lines sent for %.0f s, only %,d counted %.0f s after "
                            + "the last line; the figure is counted / %.1f s, exactness not checked", sent,
                            plan.run().toMillis() / 1e3, done, plan.drain().toMillis() / 1e3, seconds);
                }
                profiler.stop();
                freshness = probe.awaitAll(drained ? VISIBLE_WITHIN : Duration.ofSeconds(1));
            } finally {
                probe.stop();
            }
            long points = STORES.stream().mapToLong(KairosAggregateStore::pointsWritten).sum();
            long countedEvents = counted.getAsLong();
            System.err.printf(Locale.ROOT, "statspipe: %,d events exact in KairosDB after %.1f s = %,.0f events/s; %,d points%n",
                    done, seconds, done / seconds, points);
            return new Statspipe(new Run(done, seconds, points), countedEvents, points, note, freshness);
        }
    }

    private static TopologyPlugs.Factory<io.statspipe.ports.out.WritePartialsPort> countedStore(String url) {
        return () -> {
            KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(url));
            STORES.add(store);
            return store;
        };
    }

    /** Polls KairosDB until the counts of the workload's metrics add up to the lines sent; returns the queries made. */
    private static int awaitExactTotals(KairosAggregateStore reader, Workload workload, String prefix, long from, long sent)
            throws InterruptedException {
        long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
        List<String> metrics = StatsdLines.metrics(workload, prefix);
        long total = -1;
        long nextReport = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            TimeRange range = new TimeRange(from, System.currentTimeMillis() + 3_600_000);
            total = 0;
            for (int m = 0; m < metrics.size(); m++) {
                Kind kind = workload.kindOf(m) == Kind.COUNTER ? Kind.COUNTER : Kind.DISTRIBUTION;
                total += sum(reader.query(StatsQuery.of(metrics.get(m), kind, range, Resolution.HOUR, Aggregation.COUNT)));
            }
            if (total == sent) {
                return metrics.size();
            }
            if (total > sent) {
                throw new IllegalStateException("KairosDB holds " + total + " counts for " + sent + " lines sent: not exact");
            }
            if (System.nanoTime() > nextReport) {
                System.err.printf(Locale.ROOT, "  KairosDB shows %,d of %,d lines so far%n", total, sent);
                nextReport = System.nanoTime() + 10_000_000_000L;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("KairosDB shows " + total + " of " + sent + " lines after " + VISIBLE_WITHIN);
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
        File zk = Files.createDirectories(dir.resolve("naive-zk")).toFile();
        ZooKeeperServer zooKeeper = new ZooKeeperServer(zk, zk, 2000);
        NIOServerCnxnFactory connections = new NIOServerCnxnFactory();
        connections.configure(new InetSocketAddress("127.0.0.1", 0), 100, -1, false);
        connections.startup(zooKeeper, true);
        try (LocalCluster cluster = new LocalCluster("127.0.0.1", (long) connections.getLocalPort());
             StoreAndForwardAgent agent = StoreAndForwardAgent.start(
                     AgentSettings.of(bootstrap, topics, SpoolSettings.defaults(dir.resolve("spool-naive"))))) {
            cluster.submitTopology("naive", NaiveTopology.config(),
                    NaiveTopology.build(bootstrap, topics.events(), "naive", url));
            System.err.printf("naive: sending StatsD lines for %d s...%n", plan.naiveRun().toSeconds());
            long began = System.nanoTime();
            long sent = send(agent, lines, plan.naiveRun(), plan.maxLines(), NaiveTopology.EVENTS_WRITTEN::get, () -> 0, 300_000, 3);
            awaitAtLeast(NaiveTopology.EVENTS_WRITTEN::get, sent, "naive written");
            double seconds = (System.nanoTime() - began) / 1e9;
            System.err.printf(Locale.ROOT, "naive: %,d events written in %.1f s = %,.0f events/s%n", sent, seconds, sent / seconds);
            cluster.killTopology("naive");
            return new Run(sent, seconds, NaiveTopology.POINTS_WRITTEN.get());
        } finally {
            connections.shutdown();
            zooKeeper.shutdown();
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
     * takes minutes to drain.
     */
    private static long send(StoreAndForwardAgent agent, StatsdLines lines, Duration duration, long maxLines, LongSupplier counted,
                             LongSupplier extra, long floor, double horizonSeconds) throws InterruptedException {
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
                        if (sent + extra.getAsLong() - done <= Math.max(floor, horizonSeconds * rate)) {
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

    // ---- freshness probe --------------------------------------------------------------------

    /** Freshness samples: seconds from a marker sent to its bucket queryable. */
    record Freshness(double[] seconds, Duration probeEvery, int unseen) {
        double p50() {
            return quantile(0.50);
        }

        double p99() {
            return quantile(0.99);
        }

        double quantile(double q) {
            double[] sorted = seconds.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        }

        String describe() {
            return String.format(Locale.ROOT, "%d markers, one every %d ms through the same agent path during the run; "
                    + "max %.1f s; KairosDB polled every 500 ms%s", seconds.length, probeEvery.toMillis(), quantile(1.0),
                    unseen == 0 ? "" : "; " + unseen + " markers never became queryable: counted with their age when "
                            + "the run ended (a lower bound)");
        }
    }

    /**
     * Sends a marker event (a counter of a series of its own) at a steady rate through the agent,
     * and polls KairosDB for the markers' one-minute buckets; a marker is fresh once its bucket
     * counts it.
     */
    private static final class Probe {
        private final StoreAndForwardAgent agent;
        private final KairosAggregateStore reader;
        private final String metric;
        private final Duration every;
        private final long from;
        private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
        private final AtomicLong sent = new AtomicLong();
        private volatile boolean sending = true;
        private volatile boolean polling = true;
        private Thread sender;
        private Thread poller;

        Probe(StoreAndForwardAgent agent, KairosAggregateStore reader, String metric, Duration every, long from) {
            this.agent = agent;
            this.reader = reader;
            this.metric = metric;
            this.every = every;
            this.from = from;
        }

        void start() {
            sender = new Thread(this::sendMarkers, "bench-probe-sender");
            poller = new Thread(this::poll, "bench-probe-poller");
            sender.setDaemon(true);
            poller.setDaemon(true);
            sender.start();
            poller.start();
        }

        long sent() {
            return sent.get();
        }

        /** Stops both threads, whatever state the run is in. */
        void stop() throws InterruptedException {
            sending = false;
            polling = false;
            sender.interrupt();
            poller.interrupt();
            sender.join();
            poller.join();
        }

        void stopSending() throws InterruptedException {
            sending = false;
            sender.join();
        }

        /**
         * Waits up to {@code within} for every marker; a marker still not queryable then counts with
         * its age at that moment (a lower bound), and the figure's note says how many did.
         */
        Freshness awaitAll(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (seenAt.size() < sentAt.size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            polling = false;
            poller.join();
            if (sentAt.isEmpty()) {
                throw new IllegalStateException("no freshness marker was sent");
            }
            long now = System.currentTimeMillis();
            double[] seconds = new double[sentAt.size()];
            int i = 0;
            int unseen = 0;
            for (Map.Entry<String, Long> marker : sentAt.entrySet()) {
                Long seen = seenAt.get(marker.getKey());
                if (seen == null) {
                    unseen++;
                }
                seconds[i++] = ((seen == null ? now : seen) - marker.getValue()) / 1e3;
            }
            return new Freshness(seconds, every, unseen);
        }

        private void sendMarkers() {
            StatsdLineParser parser = new StatsdLineParser();
            int n = 0;
            while (sending) {
                String id = "m" + n++;
                byte[] line = (metric + ":1|c|#probe:" + id).getBytes(StandardCharsets.US_ASCII);
                List<Event> events = new ArrayList<>(1);
                long now = System.currentTimeMillis();
                parser.parse(line, 0, line.length, now, events, EndToEnd::refuse);
                sentAt.put(id, now);
                agent.offer(events);
                sent.incrementAndGet();
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void poll() {
            while (polling) {
                try {
                    StatsQuery query = StatsQuery.of(metric, Kind.COUNTER, new TimeRange(from, System.currentTimeMillis() + 120_000),
                            Resolution.MINUTE, Aggregation.COUNT).groupedBy("probe");
                    List<SeriesResult> results = reader.query(query);
                    long now = System.currentTimeMillis();
                    for (SeriesResult r : results) {
                        String id = r.group().asMap().get("probe");
                        if (id != null && sum(List.of(r)) >= 1) {
                            seenAt.putIfAbsent(id, now);
                        }
                    }
                } catch (RuntimeException e) {
                    System.err.println("freshness poll failed (retrying): " + e);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
