package io.statspipe.adapter.kafka.migration;

import io.statspipe.ports.out.ProgressPort;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

/**
 * Job progress and the migration ledger in a compacted Kafka topic ({@value #TOPIC}), keyed by
 * job: compaction keeps each job's last position. A backfill resumed on another host continues
 * where the last one stopped.
 */
public final class KafkaProgress implements ProgressPort, AutoCloseable {
    public static final String TOPIC = "stats.migration-progress";
    static final int VERSION = 1;

    /** One job's position as stored: its format's version, the job, the position. */
    record ProgressRecord(int version, String job, String position) {
    }

    private final CompactedTopic topic;
    private final Map<String, String> positions = new HashMap<>();
    private KafkaProducer<String, String> producer;

    public KafkaProgress(String bootstrapServers, Map<String, String> clientProperties) {
        this(bootstrapServers, TOPIC, clientProperties);
    }

    public KafkaProgress(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.topic = new CompactedTopic(bootstrapServers, topic, clientProperties);
    }

    @Override
    public synchronized Optional<String> load(String job) {
        for (ConsumerRecord<String, String> r : topic.readToEnd()) {
            ProgressRecord p = topic.parse(r, ProgressRecord.class, VERSION);
            positions.put(p.job(), p.position());
        }
        return Optional.ofNullable(positions.get(job));
    }

    @Override
    public synchronized void save(String job, String position) {
        if (producer == null) {
            producer = topic.producer(Map.of());
        }
        try {
            CompactedTopic.await(producer.send(topic.record(job, new ProgressRecord(VERSION, job, position))), topic.name());
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot save the progress of " + job + " in topic " + topic.name() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
        }
        topic.close();
    }
}
