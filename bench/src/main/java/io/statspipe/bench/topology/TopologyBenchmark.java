package io.statspipe.bench.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosReadBack;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.storm.LocalStormCluster;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.bench.ScratchDir;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.KillOptions;

/**
 * End-to-end throughput of the topology, from records in {@code stats.events} to points
 * written to KairosDB and confirmed readable, beside the naive topology (one tuple per event,
 * no combining) on the same broker, store and series in the same run.
 *
 * <p>The naive topology runs twice, on two inputs: one event per Kafka record, so that it is one
 * tuple per event from the spout on (the topology the targets were set against: about 40k
 * events/s on this machine), and the batches of 2,000 events per record that statspipe reads,
 * which its first bolt explodes into a tuple per event (a stricter baseline: it already has
 * the batching of the agent's records).
 *
 * <pre>java -cp ... io.statspipe.bench.topology.TopologyBenchmark [events] [series] [naiveEvents]
 *     [batchedNaiveEvents] [warmupEvents]</pre>
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
        int naiveEvents = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int batchedNaiveEvents = args.length > 3 ? Integer.parseInt(args[3]) : 3_000_000;
        // Every topology is measured warm, as it runs in production: each first counts events on
        // a topic (and metric) of its own, untimed. statspipe's warm-up spans several flushes, so
        // that the flush path, and KairosDB's writes and reads, are compiled before the clock runs.
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : Math.max(events / 2, 2_000_000);
        run(new Plan(events, seriesCount, naiveEvents, batchedNaiveEvents, warmup,
                Math.max(naiveEvents / 4, 250_000), Math.max(batchedNaiveEvents / 4, 250_000)));
        System.exit(0);
    }

    /** The events of one run: timed, and counted before to warm up (zero: no warm-up). */
    public record Plan(int events, int series, int naiveEvents, int batchedNaiveEvents, int warmup, int naiveWarmup,
                       int batchedNaiveWarmup) {
    }

    /** What one run measured, end to end and sustained (see {@link #measure}). */
    public record Figures(long events, long statspipePoints, Rates statspipe, Rates naive, Rates batchedNaive) {
    }

    /** Events per second of one timed run, end to end and sustained. */
    public record Rates(double endToEnd, double sustained) {
        String over(Rates baseline) {
            return String.format("%.1fx end to end, %.1fx sustained", endToEnd / baseline.endToEnd,
                    sustained / baseline.sustained);
        }
    }

    /**
     * Runs the benchmark, printing its figures, and returns them; every engine it started is
     * stopped.
     */
    public static Figures run(Plan plan) throws Exception {
        try (ScratchDir dir = ScratchDir.create("statspipe-bench");
             LocalKafkaBroker broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
             LocalKairosDb kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).h2().build().start()) {
            String bootstrap = broker.bootstrapServers();
            List<Series> series = series("bench.hits", plan.series());
            List<Series> warmSeries = series("bench.warmup", plan.series());
            List<String> topics = List.of("bench.statspipe", "bench.warmup", "bench.naive", "bench.naive-warmup",
                    "bench.naive-batched", "bench.naive-batched-warmup");
            for (String topic : topics) {
                ensure(new TopicLayout(topic, topic + "-deadletter", PARTITIONS, (short) 1), bootstrap);
            }
            long now = System.currentTimeMillis();
            System.out.printf("producing %,d events of %,d series (statspipe), %,d (naive, one per record) and %,d "
                            + "(naive, batched), and %,d, %,d and %,d to warm up...%n", plan.events(), plan.series(),
                    plan.naiveEvents(), plan.batchedNaiveEvents(), plan.warmup(), plan.naiveWarmup(),
                    plan.batchedNaiveWarmup());
            produce(bootstrap, "bench.statspipe", series, plan.events(), EVENTS_PER_RECORD, now);
            produce(bootstrap, "bench.warmup", warmSeries, plan.warmup(), EVENTS_PER_RECORD, now);
            produce(bootstrap, "bench.naive", series, plan.naiveEvents(), 1, now);
            produce(bootstrap, "bench.naive-warmup", warmSeries, plan.naiveWarmup(), 1, now);
            produce(bootstrap, "bench.naive-batched", series, plan.batchedNaiveEvents(), EVENTS_PER_RECORD, now);
            produce(bootstrap, "bench.naive-batched-warmup", warmSeries, plan.batchedNaiveWarmup(), EVENTS_PER_RECORD, now);

            String url = kairos.httpUrl();
            if (plan.warmup() > 0) {
                System.out.println("warming up statspipe (not timed)...");
                countWithStatspipe(bootstrap, url, "bench.warmup", plan.warmup(), dir.resolve("storm-warmup"));
            }
            Counted statspipe = countWithStatspipe(bootstrap, url, "bench.statspipe", plan.events(), dir.resolve("storm"));
            System.out.printf("statspipe: %s; %,d data points written (%.5f per event, 1 per %,.0f events)%n",
                    statspipe, statspipe.points(), statspipe.points() / (double) plan.events(),
                    plan.events() / (double) statspipe.points());

            Counted naive;
            Counted batchedNaive;
            try (LocalStormCluster storm = LocalStormCluster.start(dir.resolve("naive-storm"))) {
                LocalCluster cluster = storm.cluster();
                naive = countWithNaive(cluster, bootstrap, url, "bench.naive", plan.naiveEvents(), plan.naiveWarmup());
                System.out.printf("naive, one event per record: %s; %,d data points written%n", naive, naive.points());
                batchedNaive = countWithNaive(cluster, bootstrap, url, "bench.naive-batched", plan.batchedNaiveEvents(),
                        plan.batchedNaiveWarmup());
                System.out.printf("naive, %,d events per record: %s; %,d data points written%n", EVENTS_PER_RECORD,
                        batchedNaive, batchedNaive.points());
            }
            Figures figures = new Figures(plan.events(), statspipe.points(), statspipe.rates(), naive.rates(),
                    batchedNaive.rates());
            System.out.printf("statspipe / naive, one event per record: %s%n", figures.statspipe().over(figures.naive()));
            System.out.printf("statspipe / naive, %,d events per record: %s%n", EVENTS_PER_RECORD,
                    figures.statspipe().over(figures.batchedNaive()));
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
        TopologyPlugs plugs = new TopologyPlugs(TopologyBenchmark::minuteOnly, ProtobufEventBatchFormat::new,
                () -> new KairosAggregateStore(KairosStoreConfig.forRules(url, minuteOnly())),
                () -> new KairosReadBack(KairosStoreConfig.forRules(url, minuteOnly())));
        try (LocalTopologyRunner runner = LocalTopologyRunner.start(settings, plugs, workDir)) {
            Timing timing = measure(() -> runner.health().eventsCounted(), () -> runner.health().firstRecordAtMillis(),
                    events, Duration.ofMinutes(10));
            return new Counted(events, timing, runner.health().partialsWritten());
        }
    }

    /**
     * Counts a topic's events with the naive topology, until it has written every event, after
     * counting those of {@code topic}-warmup untimed.
     */
    private static Counted countWithNaive(LocalCluster cluster, String bootstrap, String url, String topic, long events,
                                          long warmup) throws Exception {
        if (warmup > 0) {
            System.out.printf("warming up the naive topology on %s (not timed)...%n", topic + "-warmup");
            countWithNaive(cluster, bootstrap, url, topic + "-warmup", warmup, 0);
        }
        NaiveTopology.reset();
        String name = topic.replace('.', '-');
        cluster.submitTopology(name, NaiveTopology.config(), NaiveTopology.build(bootstrap, topic, name, url));
        Timing timing = measure(NaiveTopology.EVENTS_WRITTEN::get, NaiveTopology.FIRST_RECORD_AT::get, events,
                Duration.ofMinutes(10));
        long points = NaiveTopology.POINTS_WRITTEN.get();
        KillOptions now = new KillOptions();
        now.set_wait_secs(0);
        cluster.killTopologyWithOpts(name, now);
        return new Counted(events, timing, points);
    }

    /** One timed run: its events, how long they took, and the KairosDB points it wrote. */
    private record Counted(long events, Timing timing, long points) {
        Rates rates() {
            return new Rates(events / timing.seconds(), timing.sustainedPerSecond());
        }

        @Override
        public String toString() {
            return String.format("%,d events in %.1f s = %,.0f events/s (sustained %,.0f events/s over the %.1f s "
                    + "between its first and last write)", events, timing.seconds(), events / timing.seconds(),
                    timing.sustainedPerSecond(), timing.sustainedSeconds());
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
     * Times a run: from the first record a task took to the last event written (and, for
     * statspipe, its flush completed); and, apart from that, the rate between the first and the
     * last time the written count grew.
     */
    private static Timing measure(LongSupplier written, LongSupplier firstRecordAt, long total, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long count = 0;
        long firstStepCount = 0;
        long firstStepNanos = 0;
        long lastStepNanos = 0;
        while (System.nanoTime() < deadline) {
            long now = written.getAsLong();
            if (now > count) {
                lastStepNanos = System.nanoTime();
                if (count == 0) {
                    firstStepCount = now;
                    firstStepNanos = lastStepNanos;
                }
                count = now;
            }
            if (count >= total) {
                break;
            }
            Thread.sleep(20);
        }
        long done = System.currentTimeMillis();
        if (count < total) {
            throw new IllegalStateException("only " + count + " of " + total + " events written within " + within);
        }
        double between = (lastStepNanos - firstStepNanos) / 1e9;
        return new Timing((done - firstRecordAt.getAsLong()) / 1e3,
                between > 0 ? (count - firstStepCount) / between : Double.NaN, between);
    }

    /**
     * How long a run took, end to end; and its sustained rate: the events written after the
     * first write (or flush) until the last, over the time between them. The sustained rate
     * leaves out the start and the wait for the last write, so it is the pace a topology keeps
     * while it runs.
     */
    private record Timing(double seconds, double sustainedPerSecond, double sustainedSeconds) {
    }

    /**
     * Writes the topic's events, {@code perRecord} to a Kafka record.
     *
     * @throws IllegalStateException when Kafka refused a record: a run must never wait for
     *     events that were not written
     */
    private static void produce(String bootstrap, String topic, List<Series> series, int events, int perRecord, long now)
            throws Exception {
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
        AtomicReference<Exception> refused = new AtomicReference<>();
        Callback check = (metadata, e) -> {
            if (e != null) {
                refused.compareAndSet(null, e);
            }
        };
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            Map<Integer, List<Event>> open = new HashMap<>();
            for (int i = 0; i < events; i++) {
                Series s = series.get(random.nextInt(series.size()));
                int partition = SeriesPartitioner.partitionOf(s, PARTITIONS);
                // event time as if the events arrived at 1,000,000 per second
                List<Event> batch = open.computeIfAbsent(partition, k -> new ArrayList<>());
                batch.add(Event.counter(s, now - events / 1_000L + i / 1_000L, 1));
                if (batch.size() == perRecord) {
                    send(producer, format, topic, partition, sequences, batch, check);
                    open.remove(partition);
                }
            }
            for (Map.Entry<Integer, List<Event>> rest : open.entrySet()) {
                send(producer, format, topic, rest.getKey(), sequences, rest.getValue(), check);
            }
            producer.flush();
        }
        if (refused.get() != null) {
            throw new IllegalStateException("Kafka refused a record of " + topic, refused.get());
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ProtobufEventBatchFormat format, String topic,
                             int partition, Map<Integer, Long> sequences, List<Event> batch, Callback check) {
        long seq = sequences.merge(partition, 1L, Long::sum);
        producer.send(new ProducerRecord<>(topic, partition, null,
                format.encode(new EventBatch(new BatchId("bench", seq), batch))), check);
    }
}
