package io.statspipe.bench.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.app.topology.KairosTopologyPlugs;
import io.statspipe.bench.ScratchDir;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.shade.org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.storm.shade.org.apache.zookeeper.server.ZooKeeperServer;

/**
 * End-to-end throughput of the topology, from records in {@code stats.events} to points
 * written to KairosDB and confirmed readable, beside the naive topology (one tuple per event,
 * no combining) on the same broker, store and events in the same run.
 *
 * <pre>java -cp ... io.statspipe.bench.topology.TopologyBenchmark [events] [series] [naiveEvents]</pre>
 */
public final class TopologyBenchmark {
    private static final int PARTITIONS = 4;
    private static final int EVENTS_PER_RECORD = 2_000;

    private TopologyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Enough events for a minute or more of counting, so that waiting for the last flush
        // (up to one flush interval) weighs little in the figure.
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 160_000_000;
        int seriesCount = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int naiveEvents = args.length > 2 ? Integer.parseInt(args[2]) : 3_000_000;
        // Both topologies are measured warm, as they run in production: each first counts a
        // share of its events on a topic (and metric) of its own, and that run is not timed.
        run(events, seriesCount, naiveEvents, Math.max(events / 8, 2_000_000), Math.max(naiveEvents / 4, 250_000));
        System.exit(0);
    }

    /** What one run measured. */
    public record Figures(double statspipePerSecond, double naivePerSecond, long statspipePoints, long events) {
        public double ratio() {
            return statspipePerSecond / naivePerSecond;
        }
    }

    /**
     * Runs the benchmark, printing its figures, and returns them; every engine it started is
     * stopped. A warm-up of zero events skips that warm-up.
     */
    public static Figures run(int events, int seriesCount, int naiveEvents, int warmup, int naiveWarmup)
            throws Exception {
        try (ScratchDir dir = ScratchDir.create("statspipe-bench");
             LocalKafkaBroker broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
             LocalKairosDb kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).h2().build().start()) {
            String bootstrap = broker.bootstrapServers();
            for (String topic : List.of("bench.statspipe", "bench.warmup", "bench.naive", "bench.naive-warmup")) {
                ensure(new TopicLayout(topic, topic + "-deadletter", PARTITIONS, (short) 1), bootstrap);
            }
            List<Series> series = series("bench.hits", seriesCount);
            List<Series> warmSeries = series("bench.warmup", seriesCount);
            long now = System.currentTimeMillis();
            System.out.printf("producing %,d events of %,d series (statspipe) and %,d (naive), and %,d and %,d to warm up...%n",
                    events, seriesCount, naiveEvents, warmup, naiveWarmup);
            produce(bootstrap, "bench.statspipe", series, events, now);
            if (warmup > 0) {
                produce(bootstrap, "bench.warmup", warmSeries, warmup, now);
            }
            produce(bootstrap, "bench.naive", series, naiveEvents, now);
            if (naiveWarmup > 0) {
                produce(bootstrap, "bench.naive-warmup", warmSeries, naiveWarmup, now);
            }

            String url = kairos.httpUrl();
            if (warmup > 0) {
                System.out.println("warming up statspipe (not timed)...");
                countWithStatspipe(bootstrap, url, "bench.warmup", warmup, dir.resolve("storm-warmup"));
            }
            Counted statspipe = countWithStatspipe(bootstrap, url, "bench.statspipe", events, dir.resolve("storm"));
            System.out.printf("statspipe: %,d events in %.1f s = %,.0f events/s; %,d data points written "
                    + "(%.5f per event, 1 per %,.0f events)%n", statspipe.events(), statspipe.seconds(),
                    statspipe.perSecond(), statspipe.points(), statspipe.points() / (double) events,
                    events / (double) statspipe.points());

            File zk = new File(dir.resolve("naive-zk").toString());
            zk.mkdirs();
            ZooKeeperServer zooKeeper = new ZooKeeperServer(zk, zk, 2000);
            NIOServerCnxnFactory connections = new NIOServerCnxnFactory();
            connections.configure(new InetSocketAddress("127.0.0.1", 0), 100, -1, false);
            connections.startup(zooKeeper, true);
            Counted naive;
            try (LocalCluster cluster = new LocalCluster("127.0.0.1", (long) connections.getLocalPort())) {
                if (naiveWarmup > 0) {
                    System.out.println("warming up the naive topology (not timed)...");
                    countWithNaive(cluster, bootstrap, url, "bench.naive-warmup", naiveWarmup);
                }
                naive = countWithNaive(cluster, bootstrap, url, "bench.naive", naiveEvents);
            } finally {
                connections.shutdown();
                zooKeeper.shutdown();
            }
            System.out.printf("naive:     %,d events in %.1f s = %,.0f events/s; %,d data points written%n",
                    naive.events(), naive.seconds(), naive.perSecond(), naive.points());
            Figures figures = new Figures(statspipe.perSecond(), naive.perSecond(), statspipe.points(), events);
            System.out.printf("ratio statspipe / naive: %.1fx%n", figures.ratio());
            return figures;
        }
    }

    private static List<Series> series(String metric, int count) {
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            series.add(Series.of(metric, "series", "s" + i));
        }
        return series;
    }

    /** Counts a topic's events with statspipe on a LocalCluster of its own, until the last flush is completed. */
    private static Counted countWithStatspipe(String bootstrap, String url, String topic, long events, Path workDir)
            throws Exception {
        TopologySettings settings = new TopologySettings(topic.replace('.', '-'), bootstrap, topic, topic + "-deadletter",
                topic + "-flush-intents", topic + "-statspipe", Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofHours(6), Duration.ofMinutes(5), 16 * 1024 * 1024, 1, 2, 1, 50_000, Duration.ofSeconds(120));
        // The same plugs as the pipeline: a flush completes once its points are read back.
        TopologyPlugs plugs = KairosTopologyPlugs.of(url, TopologyBenchmark::minuteOnly);
        try (LocalTopologyRunner runner = LocalTopologyRunner.start(settings, plugs, workDir)) {
            double seconds = measure(() -> runner.health().eventsCounted(), () -> runner.health().firstRecordAtMillis(),
                    events, Duration.ofMinutes(10));
            return new Counted(events, seconds, runner.health().partialsWritten());
        }
    }

    /** Counts a topic's events with the naive topology, until it has written every event. */
    private static Counted countWithNaive(LocalCluster cluster, String bootstrap, String url, String topic, long events)
            throws Exception {
        NaiveTopology.reset();
        String name = topic.replace('.', '-');
        cluster.submitTopology(name, NaiveTopology.config(), NaiveTopology.build(bootstrap, topic, name, url));
        double seconds = measure(NaiveTopology.EVENTS_WRITTEN::get, NaiveTopology.FIRST_RECORD_AT::get, events,
                Duration.ofMinutes(10));
        long points = NaiveTopology.POINTS_WRITTEN.get();
        KillOptions now = new KillOptions();
        now.set_wait_secs(0);
        cluster.killTopologyWithOpts(name, now);
        return new Counted(events, seconds, points);
    }

    /** One timed run: its events, the seconds they took, and the KairosDB points it wrote. */
    private record Counted(long events, double seconds, long points) {
        double perSecond() {
            return events / seconds;
        }
    }

    /** 10k series at one-minute buckets, as the target figure is stated. */
    static RuleSet minuteOnly() {
        return new RuleSet(List.of(RollupRule.identity("raw", List.of(Resolution.MINUTE))));
    }

    /** Creates the layout's topics; a topic just created may not be in the broker's metadata yet: retry. */
    public static void ensure(TopicLayout layout, String bootstrap) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                layout.ensureExists(bootstrap);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 10) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Seconds from the first record a task took to the last event written (and, for statspipe,
     * its flush completed).
     */
    private static double measure(java.util.function.LongSupplier written, java.util.function.LongSupplier firstRecordAt,
                                long total, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long count = 0;
        while (System.nanoTime() < deadline) {
            count = written.getAsLong();
            if (count >= total) {
                break;
            }
            Thread.sleep(20);
        }
        long done = System.currentTimeMillis();
        if (count < total) {
            throw new IllegalStateException("only " + count + " of " + total + " events written within " + within);
        }
        return (done - firstRecordAt.getAsLong()) / 1e3;
    }

    private static void produce(String bootstrap, String topic, List<Series> series, int events, long now) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        ProtobufEventBatchFormat format = new ProtobufEventBatchFormat();
        Random random = new Random(1);
        Map<Integer, Long> sequences = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            Map<Integer, List<Event>> open = new HashMap<>();
            for (int i = 0; i < events; i++) {
                Series s = series.get(random.nextInt(series.size()));
                int partition = SeriesPartitioner.partitionOf(s, PARTITIONS);
                // event time as if the events arrived at 1,000,000 per second
                List<Event> batch = open.computeIfAbsent(partition, k -> new ArrayList<>());
                batch.add(Event.counter(s, now - events / 1_000L + i / 1_000L, 1));
                if (batch.size() == EVENTS_PER_RECORD) {
                    send(producer, format, topic, partition, sequences, batch);
                    open.remove(partition);
                }
            }
            for (Map.Entry<Integer, List<Event>> rest : open.entrySet()) {
                send(producer, format, topic, rest.getKey(), sequences, rest.getValue());
            }
            producer.flush();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ProtobufEventBatchFormat format, String topic,
                             int partition, Map<Integer, Long> sequences, List<Event> batch) {
        long seq = sequences.merge(partition, 1L, Long::sum);
        producer.send(new ProducerRecord<>(topic, partition, null,
                format.encode(new EventBatch(new BatchId("bench", seq), batch))));
    }
}
