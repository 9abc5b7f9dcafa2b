package io.statspipe.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.spool.SpoolFullException;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import io.statspipe.ports.out.DeadLetter;
import io.statspipe.ports.out.DeadLetterContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StoreAndForwardAgentTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private static List<Event> events(String test, int batch, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.counter(Series.of(test + ".views", "site", "s" + (i % 13), "batch", "b" + batch),
                    1_700_000_000_000L + i, i + 1));
        }
        return events;
    }

    private static AgentSettings settings(String name, Path spool) {
        return new AgentSettings(KAFKA.bootstrapServers(), new TopicLayout(name + ".events", name + ".deadletter", 4, (short) 1),
                SpoolSettings.defaults(spool), Duration.ofSeconds(1));
    }

    @Test
    void publishedEventsArriveInTheirSeriesPartitionUnderTheAgentsBatchIds() {
        AgentSettings settings = settings("roundtrip", dir.resolve("spool-roundtrip"));
        settings.topics().ensureExists(KAFKA.bootstrapServers());
        List<Event> sent = new ArrayList<>();
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings);
                EventsTopicReader reader = new EventsTopicReader(KAFKA.bootstrapServers(), settings.topics().events())) {
            for (int b = 0; b < 5; b++) {
                List<Event> batch = events("roundtrip", b, 200);
                agent.publish(batch);
                sent.addAll(batch);
            }
            reader.readUntil(got -> got.size() >= sent.size(), DEADLINE);

            assertThat(reader.deduplicated()).containsExactlyInAnyOrderElementsOf(sent);
            for (ConsumedBatch batch : reader.batches()) {
                assertThat(batch.batch().id().producer()).isEqualTo(agent.producerId());
                assertThat(batch.batch().events()).allSatisfy(e ->
                        assertThat(SeriesPartitioner.partitionOf(e.series(), 4)).isEqualTo(batch.partition()));
            }
            assertThat(reader.batches()).extracting(b -> b.batch().id().sequence()).containsOnly(0L, 1L, 2L, 3L, 4L);
            pollUntil(() -> agent.health().forwardedEvents() == sent.size());
            assertThat(agent.health().spoolDepthEvents()).isZero();
            assertThat(agent.health().oldestUnsent()).isEmpty();
        }
    }

    @Test
    void whileTheBrokerIsDownTheAgentSpoolsAndAfterwardsDeliversEveryEventOnce() {
        AgentSettings settings = settings("partition", dir.resolve("spool-partition"));
        settings.topics().ensureExists(KAFKA.bootstrapServers());
        List<Event> sent = new ArrayList<>();
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings)) {
            agent.publish(events("partition", 0, 100));
            sent.addAll(events("partition", 0, 100));
            pollUntil(() -> agent.health().forwardedEvents() == 100);

            KAFKA.engine().stop();
            for (int b = 1; b <= 20; b++) {
                List<Event> batch = events("partition", b, 100);
                agent.publish(batch); // returns: spooled on disk although Kafka is away
                sent.addAll(batch);
            }
            pollUntil(() -> agent.health().spooling());
            AgentHealth during = agent.health();
            assertThat(during.spoolDepthEvents()).isEqualTo(2000);
            assertThat(during.oldestUnsent()).isPresent();
            assertThat(during.forwardedEvents()).isEqualTo(100);

            KAFKA.engine().start();
            pollUntil(() -> agent.health().spoolDepthEvents() == 0);
            assertThat(agent.health().spooling()).isFalse();
            assertThat(agent.health().forwardedEvents()).isEqualTo(2100);
        }
        try (EventsTopicReader reader = new EventsTopicReader(KAFKA.bootstrapServers(), settings.topics().events())) {
            reader.readUntil(got -> got.size() >= sent.size(), DEADLINE).readFor(Duration.ofSeconds(1));
            assertThat(reader.deduplicated()).hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void anAgentRestartedBeforeForwardingSendsTheSpoolWithTheSameIds() {
        AgentSettings settings = new AgentSettings("127.0.0.1:1", new TopicLayout("restart.events", "restart.deadletter", 4, (short) 1),
                SpoolSettings.defaults(dir.resolve("spool-restart")), Duration.ofSeconds(1));
        List<Event> sent = new ArrayList<>();
        String producer;
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings)) { // nothing listens on port 1
            producer = agent.producerId();
            for (int b = 0; b < 3; b++) {
                agent.publish(events("restart", b, 50));
                sent.addAll(events("restart", b, 50));
            }
        }
        AgentSettings reachable = new AgentSettings(KAFKA.bootstrapServers(), settings.topics(), settings.spool(), Duration.ofSeconds(1));
        settings.topics().ensureExists(KAFKA.bootstrapServers());
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(reachable);
                EventsTopicReader reader = new EventsTopicReader(KAFKA.bootstrapServers(), settings.topics().events())) {
            assertThat(agent.producerId()).isEqualTo(producer);
            assertThat(agent.health().spoolDepthEvents()).isEqualTo(150);
            reader.readUntil(got -> got.size() >= sent.size(), DEADLINE);
            assertThat(reader.deduplicated()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(reader.batches()).allSatisfy(b -> assertThat(b.batch().id().producer()).isEqualTo(producer));
        }
    }

    @Test
    void aFullSpoolRefusesPublishCountsAndKeepsWhatItAccepted() {
        AgentSettings settings = new AgentSettings("127.0.0.1:1", new TopicLayout("full.events", "full.deadletter", 4, (short) 1),
                SpoolSettings.defaults(dir.resolve("spool-full")).withMaxBytes(16384, 8192), Duration.ofSeconds(1));
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings)) {
            long accepted = 0;
            int refusedCalls = 0;
            for (int b = 0; b < 100; b++) {
                try {
                    agent.publish(events("full", b, 10));
                    accepted += 10;
                } catch (SpoolFullException e) {
                    refusedCalls++;
                }
            }
            assertThat(refusedCalls).isPositive();
            AgentHealth health = agent.health();
            assertThat(health.refusedEvents()).isEqualTo(10L * refusedCalls);
            assertThat(health.spoolDepthEvents()).isEqualTo(accepted);
            assertThat(accepted + health.refusedEvents()).isEqualTo(1000);
            assertThatThrownBy(() -> agent.publish(events("full", 999, 10))).isInstanceOf(SpoolFullException.class)
                    .hasMessageContaining("spool full");
        }
    }

    @Test
    void theAgentsAndTheTopologysDeadLettersHaveOneFormat() {
        TopicLayout topics = new TopicLayout("letters.events", "letters.deadletter", 1, (short) 1);
        topics.ensureExists(KAFKA.bootstrapServers());
        byte[] longLine = new byte[DeadLetterContent.MAX_BYTES + 10];
        try (KafkaDeadLetters letters = new KafkaDeadLetters(KAFKA.bootstrapServers(), topics.deadLetters())) {
            letters.send(List.of(new DeadLetter(3, 42, "undecodable record: truncated", "abc".getBytes(StandardCharsets.UTF_8))));
            letters.publish(longLine, "line too long", "udp:127.0.0.1:5000");
            Awaitility.await().atMost(DEADLINE).until(() -> letters.published() == 2);
        }

        List<ConsumerRecord<byte[], byte[]>> records = readAll(topics.deadLetters(), 2);
        ConsumerRecord<byte[], byte[]> topology = records.get(0);
        assertThat(new String(topology.key(), StandardCharsets.UTF_8)).isEqualTo("p3/42");
        assertThat(topology.value()).asString(StandardCharsets.UTF_8).isEqualTo("abc");
        assertThat(headers(topology)).isEqualTo(Map.of("format-version", "1", "reason", "undecodable record: truncated",
                "source", "topology", "source-partition", "3", "source-offset", "42"));
        ConsumerRecord<byte[], byte[]> agent = records.get(1);
        assertThat(agent.key()).isNull();
        assertThat(agent.value()).hasSize(DeadLetterContent.MAX_BYTES);
        assertThat(headers(agent)).isEqualTo(Map.of("format-version", "1", "reason", "line too long",
                "source", "udp:127.0.0.1:5000", "original-bytes", String.valueOf(longLine.length)));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Awaitility.await().atMost(DEADLINE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= count;
            });
            return records;
        }
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : record.headers()) {
            assertThat(headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8))).as("header " + h.key()).isNull();
        }
        return headers;
    }

    static void pollUntil(Callable<Boolean> condition) {
        await().atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(condition);
    }
}
