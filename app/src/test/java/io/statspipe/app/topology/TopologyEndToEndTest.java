package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.storm.DurabilityCheck;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.PipelineHealth;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker and a real LocalCluster running the topology: events produced to
 * {@code stats.events} become exact bucket aggregates, duplicate agent batches are dropped,
 * and bad records reach {@code stats.deadletter} with their reason while the rest is counted.
 */
class TopologyEndToEndTest {
    static final int PARTITIONS = 4;
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);
    /** The store the topology's tasks write into (same JVM in local mode). */
    static final InMemoryAggregateStore STORE = new InMemoryAggregateStore();

    @TempDir
    static Path dir;
    static LocalKafkaBroker broker;
    static LocalTopologyRunner topology;
    static TopologySettings settings;

    @BeforeAll
    static void start() throws Exception {
        broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
        TopicLayout.of(PARTITIONS, 1).ensureExists(broker.bootstrapServers());
        settings = TopologySettings.defaults(broker.bootstrapServers()).withName("e2e")
                .withFlushInterval(Duration.ofSeconds(1)).withMaxRecordBytes(64 * 1024);
        TopologyPlugs plugs = new TopologyPlugs(RuleSet::defaults, ProtobufEventBatchFormat::new, () -> STORE,
                DurabilityCheck::writeIsDurable);
        topology = LocalTopologyRunner.start(settings, plugs, dir.resolve("storm"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (topology != null) {
            topology.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void producedEventsBecomeExactBucketsAndBadInputIsDeadLettered() throws Exception {
        long t0 = System.currentTimeMillis() - 30 * 60_000L;
        Random random = new Random(7);
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            series.add(Series.of("page.views", "site", "s" + i));
        }
        try (TestEvents events = new TestEvents(broker.bootstrapServers(), settings.eventsTopic(), PARTITIONS, "agent-1")) {
            for (int b = 0; b < 200; b++) {
                List<Event> batch = new ArrayList<>();
                for (int e = 0; e < 50; e++) {
                    batch.add(Event.counter(series.get(random.nextInt(series.size())),
                            t0 + b * 5_000L + random.nextInt(5_000), 1 + random.nextInt(3)));
                }
                events.send(batch, RESOLUTIONS);
            }
            events.resend(3);
            events.resend(10);
            events.sendRaw(0, "garbage".getBytes(StandardCharsets.UTF_8));
            events.sendRaw(1, new byte[] {0x08, 0x07, 0x12, 0x01, 0x61}); // version 7
            events.sendRaw(2, new byte[100 * 1024]);
            events.flush();

            Map<String, Long> expected = events.expected();
            awaitStored(expected, Duration.ofSeconds(90));
            assertThat(stored(series)).isEqualTo(expected);
        }

        List<ConsumerRecord<String, byte[]>> letters = deadLetters(3, Duration.ofSeconds(30));
        assertThat(letters).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("p0/" + offsetOfLast(letters, 0),
                "p1/" + offsetOfLast(letters, 1), "p2/" + offsetOfLast(letters, 2));
        assertThat(letters).allSatisfy(r -> assertThat(header(r, "reason")).isNotBlank());
        assertThat(letters.stream().map(r -> header(r, "reason")).toList())
                .anySatisfy(reason -> assertThat(reason).contains("oversized record"))
                .anySatisfy(reason -> assertThat(reason).contains("undecodable record"));
        PipelineHealth.Snapshot health = topology.health();
        assertThat(health.duplicateBatches()).isEqualTo(2);
        assertThat(health.deadLetters()).isEqualTo(3);
    }

    private static long offsetOfLast(List<ConsumerRecord<String, byte[]>> letters, int partition) {
        return letters.stream().filter(r -> header(r, "source-partition").equals(String.valueOf(partition)))
                .mapToLong(r -> Long.parseLong(header(r, "source-offset"))).max().orElse(-1);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    static Map<String, Long> stored(List<Series> series) {
        Map<String, Long> stored = new HashMap<>();
        TimeRange all = new TimeRange(0, Long.MAX_VALUE / 2);
        for (Series s : series) {
            for (Resolution r : RESOLUTIONS) {
                for (StoredBucket b : STORE.readBuckets(new SeriesKey(s, Kind.COUNTER), r, all)) {
                    stored.put(TestEvents.key(s, r, b.bucket().start()), b.aggregate().count());
                }
            }
        }
        return stored;
    }

    private static void awaitStored(Map<String, Long> expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<Series> series = expected.keySet().stream().map(k -> k.substring(0, k.indexOf('@')))
                .distinct().map(TopologyEndToEndTest::parse).toList();
        while (System.nanoTime() < deadline && !stored(series).equals(expected)) {
            Thread.sleep(250);
        }
    }

    private static Series parse(String text) {
        // page.views{site=s1}
        String metric = text.substring(0, text.indexOf('{'));
        String tags = text.substring(text.indexOf('{') + 1, text.length() - 1);
        String[] kv = tags.split("=");
        return Series.of(metric, kv[0], kv[1]);
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(int atLeast, Duration within) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-deadletter-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(Set.of(settings.deadLetterTopic()));
            long deadline = System.nanoTime() + within.toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
