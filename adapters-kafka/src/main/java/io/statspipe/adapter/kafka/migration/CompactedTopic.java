package io.statspipe.adapter.kafka.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.adapter.kafka.KafkaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A one-partition compacted topic of JSON records, each carrying its format's {@code version}:
 * read in order up to the topic's end before every answer (so every process sees every write
 * acknowledged before it asked), written with {@code acks=all}. The migration's shared state
 * lives in two of them; whoever reaches the brokers reads the same state.
 */
final class CompactedTopic implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private final Map<String, String> clientProperties;
    private final TopicPartition partition;
    private KafkaConsumer<String, String> consumer;

    CompactedTopic(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.clientProperties = Map.copyOf(clientProperties);
        this.partition = new TopicPartition(topic, 0);
    }

    String name() {
        return topic;
    }

    /** The records appended since the last call (all of them on the first), up to the topic's end now. */
    synchronized List<ConsumerRecord<String, String>> readToEnd() {
        KafkaConsumer<String, String> reader = consumer();
        long end = reader.endOffsets(List.of(partition), TIMEOUT).get(partition);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (reader.position(partition, TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot read topic " + topic + " to its end (offset " + end + ") within "
                        + TIMEOUT.toSeconds() + " s at " + bootstrapServers);
            }
            reader.poll(Duration.ofMillis(200)).records(partition).forEach(records::add);
        }
        return records;
    }

    /**
     * Waits until readers see the committed record at {@code offset}: a transaction's commit returns
     * before its markers are written, and a change must be visible to everyone once recorded.
     */
    synchronized void awaitCommitted(long offset) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumer().endOffsets(List.of(partition), TIMEOUT).get(partition) <= offset) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the record at offset " + offset + " of topic " + topic
                        + " was committed but is not readable within " + TIMEOUT.toSeconds() + " s");
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    private KafkaConsumer<String, String> consumer() {
        if (consumer == null) {
            ensureExists();
            Map<String, Object> config = clientConfig();
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            // A change still in an open transaction is not one yet (KafkaPhaseStore's compare-and-append).
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(config);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        }
        return consumer;
    }

    /** The record's JSON, refused with its place named when it is not a version this code reads. */
    <T> T parse(ConsumerRecord<String, String> record, Class<T> type, int version) {
        try {
            int found = JSON.readTree(record.value()).path("version").asInt(-1);
            if (found != version) {
                throw new IllegalStateException("record " + record.key() + " at offset " + record.offset() + " of topic "
                        + topic + " has format version " + (found < 0 ? "(none)" : found)
                        + "; this statspipe reads version " + version + " only");
            }
            return JSON.readValue(record.value(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("record " + record.key() + " at offset " + record.offset() + " of topic "
                    + topic + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A producer whose sends are durable once acknowledged: every in-sync replica has them. */
    KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = clientConfig();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT.toMillis());
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    ProducerRecord<String, String> record(String key, Object value) {
        try {
            return new ProducerRecord<>(topic, 0, key, JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    /** Waits for the send's acknowledgement, naming the topic when it fails. */
    static RecordMetadata await(Future<RecordMetadata> sent, String topic) {
        try {
            return sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write to topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to topic " + topic, e);
        }
    }

    private void ensureExists() {
        KafkaTopics.ensureCompacted(bootstrapServers, clientProperties, topic, Map.of());
    }

    private Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }
}
