package io.statspipe.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalKafkaBrokerTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    static final TopicLayout TOPICS = new TopicLayout("broker-test.events", "broker-test.deadletter", 4, (short) 1);
    final ProtobufEventBatchFormat format = new ProtobufEventBatchFormat();

    @BeforeAll
    static void createTopics() {
        TOPICS.ensureExists(KAFKA.bootstrapServers());
    }

    @Test
    void batchesWrittenToTheirSeriesPartitionSurviveABrokerRestart() {
        Series series = Series.of("page.views", "site", "7");
        int partition = SeriesPartitioner.partitionOf(series, TOPICS.partitions());
        EventBatch batch = new EventBatch(new BatchId("t", 1), List.of(Event.counter(series, 1_700_000_000_000L, 5)));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.events(), partition, null, format.encode(batch))).get();
            producer.send(new ProducerRecord<>(TOPICS.events(), partition, null, "garbage".getBytes())).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        String before = KAFKA.bootstrapServers();

        KAFKA.engine().stop();
        KAFKA.engine().start();

        assertThat(KAFKA.bootstrapServers()).isEqualTo(before);
        List<ConsumedBatch> batches = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();
        try (EventsConsumer consumer = new EventsConsumer(KAFKA.bootstrapServers(), TOPICS.events(), format)) {
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                EventsConsumer.Poll poll = consumer.poll(Duration.ofMillis(200));
                batches.addAll(poll.batches());
                rejected.addAll(poll.rejected());
                return !batches.isEmpty() && !rejected.isEmpty();
            });
        }
        assertThat(batches).containsExactly(new ConsumedBatch(partition, 0, batch));
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.offset()).isEqualTo(1);
            assertThat(r.reason()).startsWith("not a statspipe event batch");
        });
    }

    @Test
    void refusesAnEventsTopicWithAnotherPartitionCount() {
        TopicLayout other = new TopicLayout(TOPICS.events(), TOPICS.deadLetters(), 8, (short) 1);
        assertThatThrownBy(() -> other.ensureExists(KAFKA.bootstrapServers()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 4 partitions but statspipe is configured for 8");
    }

    @Test
    void anEventsTopicStampedWithTheProducersClocksIsSwitchedToTheBrokersTime() throws Exception {
        TopicLayout layout = new TopicLayout("create-time.events", "create-time.deadletter", 1, (short) 1);
        long fastClock = System.currentTimeMillis() + 7 * 3_600_000L;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(layout.events(), 1, (short) 1)
                    .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime")))).all().get();

            layout.ensureExists(admin);

            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, layout.events());
            assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic)
                    .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).isEqualTo("LogAppendTime");
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            long before = System.currentTimeMillis();
            RecordMetadata stored = producer.send(new ProducerRecord<>(layout.events(), 0, fastClock, null,
                    "from a fast clock".getBytes())).get();
            assertThat(stored.timestamp()).as("the broker's time, not the producer's").isBetween(before,
                    System.currentTimeMillis());
        }
    }
}
