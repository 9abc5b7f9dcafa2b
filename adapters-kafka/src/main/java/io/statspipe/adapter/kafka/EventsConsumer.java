package io.statspipe.adapter.kafka;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.ports.out.EventBatchFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the events topic from the beginning of every partition, without a consumer group:
 * for consumers other than the topology (migration tools, audits, tests). Each record is
 * decoded; one that does not decode is reported with its reason, never thrown.
 */
public final class EventsConsumer implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventBatchFormat format;

    /** Everything one poll returned: decoded batches and rejected records, in partition order. */
    public record Poll(List<ConsumedBatch> batches, List<RejectedRecord> rejected) {
        public Poll {
            batches = List.copyOf(batches);
            rejected = List.copyOf(rejected);
        }
    }

    public EventsConsumer(String bootstrapServers, String topic, EventBatchFormat format) {
        this(bootstrapServers, topic, format, Map.of());
    }

    /** With extra client properties (TLS, SASL), applied over the consumer's own. */
    public EventsConsumer(String bootstrapServers, String topic, EventBatchFormat format, Map<String, String> clientProperties) {
        this.format = format;
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicLayout.MAX_MESSAGE_BYTES));
        config.putAll(clientProperties);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        if (partitions.isEmpty()) {
            consumer.close(Duration.ZERO);
            throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrapServers);
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    public Poll poll(Duration timeout) {
        List<ConsumedBatch> batches = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            try {
                batches.add(new ConsumedBatch(record.partition(), record.offset(), format.decode(record.value())));
            } catch (InvalidStatException e) {
                rejected.add(new RejectedRecord(record.partition(), record.offset(), e.getMessage()));
            }
        }
        return new Poll(batches, rejected);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
