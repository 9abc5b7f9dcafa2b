package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.domain.Aggregate;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces events to {@code stats.events} the way the agent does (one batch per record, the
 * events of one partition, an increasing sequence per producer and partition) and keeps what
 * every (series, kind, resolution, bucket) must end up holding ({@link ExpectedBuckets}, in the
 * order sent). A batch sent again with {@link #resend} adds nothing, since the topology drops it
 * as a duplicate.
 */
final class TestEvents implements AutoCloseable {
    private final ProtobufEventBatchFormat format = new ProtobufEventBatchFormat();
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private final String producerId;
    private final Map<Integer, Long> sequences = new HashMap<>();
    private final ExpectedBuckets expected = new ExpectedBuckets();
    private final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();

    TestEvents(String bootstrapServers, String topic, int partitions, String producerId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.partitions = partitions;
        this.producerId = producerId;
    }

    /** Sends one batch per partition holding these events; remembers what they add to each bucket. */
    void send(List<Event> events, List<Resolution> resolutions) {
        for (Event e : events) {
            expected.add(e, resolutions);
        }
        sendBatches(events, null);
    }

    /**
     * Sends one batch per partition holding these events, each record stamped {@code createTime} as
     * a producer whose clock reads that would stamp it; expects nothing of them (the topology refuses them).
     */
    void sendRefused(List<Event> events, long createTime) {
        sendBatches(events, createTime);
    }

    private void sendBatches(List<Event> events, Long createTime) {
        Map<Integer, List<Event>> byPartition = new HashMap<>();
        for (Event e : events) {
            byPartition.computeIfAbsent(SeriesPartitioner.partitionOf(e.series(), partitions), k -> new ArrayList<>()).add(e);
        }
        byPartition.forEach((partition, batch) -> {
            long seq = sequences.merge(partition, 1L, Long::sum);
            byte[] value = format.encode(new EventBatch(new BatchId(producerId, seq), batch));
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, createTime, null, value);
            sent.add(record);
            pending.add(producer.send(record));
        });
    }

    /** Sends one batch per partition; remembers what they add to every bucket of every rule's output. */
    void send(List<Event> events, io.statspipe.domain.RuleSet rules) {
        for (Event e : events) {
            expected.add(e, rules);
        }
        sendBatches(events, null);
    }

    /** Sends an already sent record again, as an agent does after a lost acknowledgement. */
    void resend(int index) {
        pending.add(producer.send(sent.get(index)));
    }

    int sentRecords() {
        return sent.size();
    }

    /** Sends raw bytes to a partition (bad input). */
    void sendRaw(int partition, byte[] value) {
        pending.add(producer.send(new ProducerRecord<>(topic, partition, null, value)));
    }

    void flush() throws Exception {
        producer.flush();
        for (Future<RecordMetadata> f : pending) {
            f.get();
        }
        pending.clear();
    }

    /** The count every (series, kind, resolution, bucket) must end up with, keyed by {@link #key}. */
    Map<String, Long> expected() {
        return expected.counts();
    }

    /** The whole aggregate every (series, kind, resolution, bucket) must end up with, keyed by {@link #key}. */
    Map<String, Aggregate> expectedAggregates() {
        return expected.aggregates();
    }

    /** The key of a counter bucket. */
    static String key(Series series, Resolution resolution, long bucketStart) {
        return key(series, Kind.COUNTER, resolution, bucketStart);
    }

    static String key(Series series, Kind kind, Resolution resolution, long bucketStart) {
        return ExpectedBuckets.key(series, kind, resolution, bucketStart);
    }

    static Duration sinceStart(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
