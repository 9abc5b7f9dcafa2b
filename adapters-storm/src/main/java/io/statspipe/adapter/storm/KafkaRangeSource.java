package io.statspipe.adapter.storm;

import io.statspipe.ports.out.EngineUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads ranges of {@code stats.events} again for recovery, with a plain consumer (assign and
 * seek, never joining or committing for the spout's group, so it never disturbs the spout's
 * commits; it only reads them), and tells the end offset of a partition for the lag figure. One
 * per task; not thread-safe.
 */
final class KafkaRangeSource implements RangeSource, AutoCloseable {
    private static final Duration STALL = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;

    /** @param spoutGroup the spout's consumer group, whose committed offsets {@link #committedOffset} reads */
    KafkaRangeSource(String bootstrapServers, String topic, String spoutGroup, Map<String, String> clientProperties) {
        this.topic = topic;
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, spoutGroup); // assign() never joins it; only committed() reads it
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.putAll(clientProperties);
        this.consumer = new KafkaConsumer<>(c);
    }

    @Override
    public void read(int partition, long first, long last, RecordSink sink) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            consumer.assign(List.of(tp));
            consumer.seek(tp, first);
            long end = consumer.endOffsets(List.of(tp), STALL).get(tp);
            long stallDeadline = System.nanoTime() + STALL.toNanos();
            while (consumer.position(tp, STALL) <= last && consumer.position(tp, STALL) < end) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    stallDeadline = System.nanoTime() + STALL.toNanos();
                }
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    if (r.offset() > last) {
                        return;
                    }
                    sink.accept(r.offset(), r.timestamp(), r.value());
                }
                if (System.nanoTime() > stallDeadline) {
                    throw new EngineUnavailableException("re-reading " + tp + " from " + first + " to " + last
                            + " stalled for " + STALL);
                }
            }
        } catch (KafkaException e) {
            throw new EngineUnavailableException("cannot re-read " + tp + " from " + first + " to " + last, e);
        }
    }

    @Override
    public long firstOffset(int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            return consumer.beginningOffsets(List.of(tp), STALL).get(tp);
        } catch (KafkaException e) {
            throw new EngineUnavailableException("cannot read the first offset of " + tp, e);
        }
    }

    @Override
    public OptionalLong committedOffset(int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            OffsetAndMetadata committed = consumer.committed(Set.of(tp), STALL).get(tp);
            return committed == null ? OptionalLong.empty() : OptionalLong.of(committed.offset());
        } catch (KafkaException e) {
            throw new EngineUnavailableException("cannot read the offset the spout committed for " + tp, e);
        }
    }

    /** How many partitions the topic has now. */
    int partitionCount() {
        try {
            return consumer.partitionsFor(topic, STALL).size();
        } catch (KafkaException e) {
            throw new EngineUnavailableException("cannot read the partitions of " + topic, e);
        }
    }

    /** The partition's end offset (the offset the next record will get). */
    long endOffset(int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return consumer.endOffsets(List.of(tp), STALL).get(tp);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
