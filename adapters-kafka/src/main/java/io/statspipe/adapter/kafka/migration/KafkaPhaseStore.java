package io.statspipe.adapter.kafka.migration;

import io.statspipe.domain.Phase;
import io.statspipe.ports.in.PhaseChange;
import io.statspipe.ports.out.PhaseStorePort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The migration phase in a compacted Kafka topic ({@value #TOPIC}), one record per change keyed by
 * its place in the history ({@code change-00000001}, ...), so compaction keeps every change. Every
 * process that reaches the brokers (the topology's workers, the query side, {@code statspipe
 * migrate} on any host) reads the same history, up to the topic's end before each answer.
 *
 * <p>{@link #record} compares and appends atomically between processes with one transactional id
 * for every writer: starting a change fences any writer still in the middle of one (its commit
 * fails), and waits for a change already committing to become visible; the current phase is read
 * only after that, so two processes cannot both move on from the same phase.
 */
public final class KafkaPhaseStore implements PhaseStorePort, AutoCloseable {
    public static final String TOPIC = "stats.migration-phases";
    static final int VERSION = 1;

    /** One change as stored: its format's version, then the change. */
    record PhaseRecord(int version, Phase from, Phase to, String who, long at, String why) {
        static PhaseRecord of(PhaseChange change) {
            return new PhaseRecord(VERSION, change.from(), change.to(), change.who(), change.at().toEpochMilli(), change.why());
        }

        PhaseChange change() {
            return new PhaseChange(from, to, who, Instant.ofEpochMilli(at), why);
        }
    }

    private final CompactedTopic topic;
    private final List<PhaseChange> history = new ArrayList<>();

    public KafkaPhaseStore(String bootstrapServers, Map<String, String> clientProperties) {
        this(bootstrapServers, TOPIC, clientProperties);
    }

    public KafkaPhaseStore(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.topic = new CompactedTopic(bootstrapServers, topic, clientProperties);
    }

    @Override
    public synchronized Phase current() {
        List<PhaseChange> all = history();
        return all.isEmpty() ? Phase.LEGACY_ONLY : all.get(all.size() - 1).to();
    }

    @Override
    public synchronized List<PhaseChange> history() {
        for (ConsumerRecord<String, String> r : topic.readToEnd()) {
            history.add(topic.parse(r, PhaseRecord.class, VERSION).change());
        }
        return List.copyOf(history);
    }

    @Override
    public synchronized void record(PhaseChange change) {
        try (KafkaProducer<String, String> producer = topic.producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "statspipe-" + topic.name()))) {
            producer.initTransactions();
            List<PhaseChange> before = history();
            Phase now = before.isEmpty() ? Phase.LEGACY_ONLY : before.get(before.size() - 1).to();
            if (now != change.from()) {
                throw new IllegalStateException("the phase changed meanwhile: it is " + now + ", not " + change.from());
            }
            producer.beginTransaction();
            long offset = CompactedTopic.await(producer.send(topic.record("change-%08d".formatted(before.size() + 1),
                    PhaseRecord.of(change))), topic.name()).offset();
            producer.commitTransaction();
            topic.awaitCommitted(offset);
        } catch (ProducerFencedException e) {
            throw new IllegalStateException("the phase changed meanwhile: another process was changing it; "
                    + "read the phase again", e);
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot record the phase change in topic " + topic.name() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        topic.close();
    }
}
