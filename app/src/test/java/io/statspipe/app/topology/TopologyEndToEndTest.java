package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosMapping;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.storm.KafkaFlushIntents;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.PipelineHealth;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.KeepTags;
import io.statspipe.domain.Kind;
import io.statspipe.domain.MetricPattern;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.service.QueryStatsService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker, a real LocalCluster running the topology and a real KairosDB (H2):
 * events produced to {@code stats.events} become exact aggregates for every rule and
 * resolution, read through the query port; duplicate agent batches are dropped; bad records
 * reach {@code stats.deadletter} with their reason while everything else is counted.
 */
class TopologyEndToEndTest {
    static final int PARTITIONS = 4;
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);

    @RegisterExtension
    static final LocalEngines ENGINES = new LocalEngines(PARTITIONS, s -> s.withName("e2e")
            .withFlushInterval(Duration.ofSeconds(1)).withCoarseFlushInterval(Duration.ofSeconds(3))
            .withMaxRecordBytes(64 * 1024), TopologyEndToEndTest::rules);

    /** Every series under its own name, and a rollup per site under a name of its own. */
    static RuleSet rules() {
        return new RuleSet(List.of(RollupRule.identity("raw", RESOLUTIONS),
                new RollupRule("by-site", MetricPattern.of("page.*"), Map.of(), KeepTags.only("site"), RESOLUTIONS,
                        EnumSet.of(Aggregation.Type.COUNT, Aggregation.Type.SUM), "{metric}.by_site")));
    }

    @Test
    void producedEventsBecomeExactAggregatesForEveryRuleAndResolution() throws Exception {
        PipelineHealth.Snapshot before = ENGINES.topology().health();
        long t0 = System.currentTimeMillis() - 30 * 60_000L;
        Random random = new Random(7);
        List<Series> series = new ArrayList<>();
        for (int site = 0; site < 10; site++) {
            for (int page = 0; page < 5; page++) {
                series.add(Series.of("page.views", "site", "s" + site, "page", "p" + page));
            }
        }
        Map<String, Long> expected;
        try (TestEvents events = new TestEvents(ENGINES.broker().bootstrapServers(), ENGINES.settings().eventsTopic(), PARTITIONS, "agent-1")) {
            for (int b = 0; b < 200; b++) {
                List<Event> batch = new ArrayList<>();
                for (int e = 0; e < 50; e++) {
                    batch.add(Event.counter(series.get(random.nextInt(series.size())),
                            t0 + b * 5_000L + random.nextInt(5_000), 1 + random.nextInt(3)));
                }
                events.send(batch, rules());
            }
            events.resend(3);
            events.resend(10);
            events.sendRaw(0, "garbage".getBytes(StandardCharsets.UTF_8));
            events.sendRaw(1, new byte[] {0x08, 0x07, 0x12, 0x01, 0x61}); // version 7
            events.sendRaw(2, new byte[100 * 1024]);
            events.flush();
            expected = events.expected();
        }

        try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(ENGINES.kairos().httpUrl())
                .withMapping(KairosMapping.forRules(rules())))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            TimeRange range = new TimeRange(t0 - 3_600_000L, t0 + 3 * 3_600_000L);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(stored(queries, range, Aggregation.COUNT)).isEqualTo(expected));
            assertThat(stored(queries, range, Aggregation.SUM)).isEqualTo(expected);
        }

        List<ConsumerRecord<String, byte[]>> letters = deadLetters(3, Duration.ofSeconds(30));
        assertThat(letters).extracting(r -> header(r, "source-partition")).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(letters).allSatisfy(r -> assertThat(r.key()).isEqualTo("p" + header(r, "source-partition") + "/"
                + header(r, "source-offset")));
        assertThat(letters.stream().map(r -> header(r, "reason")).toList())
                .anySatisfy(reason -> assertThat(reason).contains("oversized record: 102400 bytes"))
                .anySatisfy(reason -> assertThat(reason).contains("undecodable record"))
                .allSatisfy(reason -> assertThat(reason).isNotBlank());
        PipelineHealth.Snapshot health = ENGINES.topology().health();
        assertThat(health.duplicateBatches() - before.duplicateBatches()).isEqualTo(2);
        assertThat(health.deadLetters() - before.deadLetters()).isEqualTo(3);
    }

    /**
     * The zombie case seen from the task that loses: after a first batch is counted, another owner
     * claims partition 0's flush intents (as a task given the partition by Storm does), fencing the
     * running task. The task's next flush of partition 0 is refused; it lets go of the partition,
     * failing its held tuples; their redelivery makes it claim the partition again and resume from
     * the newest completed intent. Every bucket ends exact: nothing lost with the refused flush,
     * nothing counted twice by the resumed one.
     */
    @Test
    void aTaskWhosePartitionIsClaimedElsewhereLetsGoAndCountsItsHeldRangeOnceAfterClaimingItAgain() throws Exception {
        PipelineHealth.Snapshot before = ENGINES.topology().health();
        long t0 = System.currentTimeMillis() - 20 * 60_000L;
        List<Series> series = new ArrayList<>();
        for (int site = 0; site < 16; site++) {
            series.add(Series.of("fenced.views", "site", "s" + site));
        }
        RuleSet rules = rules();
        String bootstrap = ENGINES.broker().bootstrapServers();
        try (TestEvents events = new TestEvents(bootstrap, ENGINES.settings().eventsTopic(), PARTITIONS, "agent-fenced");
             KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(ENGINES.kairos().httpUrl())
                     .withMapping(KairosMapping.forRules(rules)))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            TimeRange range = new TimeRange(t0 - 3_600_000L, t0 + 3 * 3_600_000L);
            events.send(fencedBatch(series, t0, 1), rules);
            events.flush();
            Map<String, Long> first = events.expected();
            await().atMost(Duration.ofSeconds(60)).until(() -> fenced(queries, range).equals(first));

            try (KafkaFlushIntents other = new KafkaFlushIntents(bootstrap, ENGINES.settings().intentsTopic())) {
                other.claim("p0");
            }
            events.send(fencedBatch(series, t0 + 60_000L, 2), rules);
            events.flush();
            Map<String, Long> all = events.expected();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(fenced(queries, range)).isEqualTo(all));
        }
        assertThat(ENGINES.topology().health().partitionsLetGo() - before.partitionsLetGo())
                .as("the task found partition 0 claimed by another owner and let go of it").isPositive();
    }

    /**
     * A counted partition's flush intents gone while the spout's consumer group keeps its offsets
     * (here: a second topology with the same group over a new, empty intents topic). Counting from
     * the log's start would count again what the group committed: each of its tasks refuses
     * instead, reports the partitions as waiting for their intents, and counts nothing, while the
     * first topology goes on counting every event once.
     */
    @Test
    void aTopologyWhoseFlushIntentsAreGoneRefusesToCountAgainWhatItsConsumerGroupCommitted(@TempDir Path folder)
            throws Exception {
        long t0 = System.currentTimeMillis() - 10 * 60_000L;
        List<Series> series = new ArrayList<>();
        for (int site = 0; site < 16; site++) {
            series.add(Series.of("regroup.views", "site", "s" + site));
        }
        RuleSet rules = rules();
        String bootstrap = ENGINES.broker().bootstrapServers();
        TopologySettings settings = ENGINES.settings();
        try (TestEvents events = new TestEvents(bootstrap, settings.eventsTopic(), PARTITIONS, "agent-regroup");
             KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(ENGINES.kairos().httpUrl())
                     .withMapping(KairosMapping.forRules(rules)));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            TimeRange range = new TimeRange(t0 - 3_600_000L, t0 + 3 * 3_600_000L);
            events.send(fencedBatch(series, t0, 1), rules);
            events.flush();
            Map<String, Long> first = events.expected();
            await().atMost(Duration.ofSeconds(60)).until(() -> counts(queries, range, "regroup.views").equals(first));
            // The spout commits what was acked every 5 s: wait until it committed past every partition's first record.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var committed = admin.listConsumerGroupOffsets(settings.consumerGroup()).partitionsToOffsetAndMetadata().get();
                return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(settings.eventsTopic())
                        && e.getValue() != null && e.getValue().offset() > 0).count() == PARTITIONS;
            });

            TopologySettings gone = settings.withName("e2e-intents-gone").withIntentsTopic(settings.intentsTopic() + "-new");
            try (LocalTopologyRunner second = LocalTopologyRunner.start(gone,
                    KairosTopologyPlugs.of(ENGINES.kairos().httpUrl(), TopologyEndToEndTest::rules), folder)) {
                events.send(fencedBatch(series, t0 + 60_000L, 2), rules);
                events.flush();
                Map<String, Long> all = events.expected();
                await().atMost(Duration.ofSeconds(90)).until(() ->
                        second.health().partitionsWaitingForIntents().equals(Set.of(0, 1, 2, 3)));
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                        assertThat(counts(queries, range, "regroup.views")).isEqualTo(all));
                assertThat(second.health().eventsCounted()).as("events the topology without intents counted").isZero();
                assertThat(second.health().flushes()).isZero();
            }
        }
    }

    /** Events on every series (so on every partition), {@code weight} each. */
    private static List<Event> fencedBatch(List<Series> series, long at, int weight) {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < series.size() * 8; i++) {
            batch.add(Event.counter(series.get(i % series.size()), at + i * 100L, weight));
        }
        return batch;
    }

    private static Map<String, Long> fenced(QueryStatsService queries, TimeRange range) {
        return counts(queries, range, "fenced.views");
    }

    /** Every bucket's count of {@code metric}, per site, at both resolutions. */
    private static Map<String, Long> counts(QueryStatsService queries, TimeRange range, String metric) {
        Map<String, Long> stored = new HashMap<>();
        for (Resolution resolution : RESOLUTIONS) {
            collect(stored, queries.query(StatsQuery.of(metric, Kind.COUNTER, range, resolution, Aggregation.COUNT)
                    .groupedBy("site")), metric, resolution);
        }
        return stored;
    }

    static Map<String, Long> stored(QueryStatsService queries, TimeRange range, Aggregation aggregation) {
        Map<String, Long> stored = new HashMap<>();
        for (Resolution resolution : RESOLUTIONS) {
            collect(stored, queries.query(StatsQuery.of("page.views", Kind.COUNTER, range, resolution, aggregation)
                    .groupedBy("site", "page")), "page.views", resolution);
            collect(stored, queries.query(StatsQuery.of("page.views.by_site", Kind.COUNTER, range, resolution, aggregation)
                    .groupedBy("site")), "page.views.by_site", resolution);
        }
        return stored;
    }

    private static void collect(Map<String, Long> stored, List<SeriesResult> results, String metric, Resolution resolution) {
        for (SeriesResult result : results) {
            for (Point p : result.points()) {
                stored.put(TestEvents.key(new Series(metric, result.group()), resolution, p.bucketStart()), (long) p.value());
            }
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(int atLeast, Duration within) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ENGINES.broker().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-deadletter-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(Set.of(ENGINES.settings().deadLetterTopic()));
            await().atMost(within).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= atLeast;
            });
        }
        return out;
    }
}
