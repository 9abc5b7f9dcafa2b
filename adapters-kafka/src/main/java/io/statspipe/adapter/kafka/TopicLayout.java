package io.statspipe.adapter.kafka;

import io.statspipe.domain.InvalidStatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics statspipe uses: {@code events} (event batches, partition chosen by series) and
 * {@code deadLetters} (rejected input as it came, with headers {@code reason} and
 * {@code origin}; kept 7 days and at most 256 MiB per partition). The partition count of the events topic is part of the counting design:
 * every series lives in {@code SeriesPartitioner.partitionOf(series, partitions)}, so it is
 * configured once and checked, never silently changed. The events topic keeps the broker's
 * time in each record ({@code message.timestamp.type=LogAppendTime}): the topology's clock-skew
 * guard measures events against it, so no producer's clock can move the watermark, and a replay
 * reads the same stored time (docs/design/exact-counting.md).
 */
public record TopicLayout(String events, String deadLetters, int partitions, short replication) {
    private static final Logger LOG = LoggerFactory.getLogger(TopicLayout.class);
    public static final String EVENTS = "stats.events";
    public static final String DEAD_LETTERS = "stats.deadletter";
    /** Largest record the topics accept: room for the biggest batch the agent writes. */
    public static final int MAX_MESSAGE_BYTES = ProtobufEventBatchFormat.MAX_RECORD_BYTES + 64 * 1024;
    /** How long the dead-letter topic keeps a dead letter: long enough to look into a refusal after a weekend. */
    public static final java.time.Duration DEAD_LETTER_RETENTION = java.time.Duration.ofDays(7);
    /** How many bytes each dead-letter partition keeps at most, whatever a client sends. */
    public static final long DEAD_LETTER_RETENTION_BYTES = 256L * 1024 * 1024;
    /** The events topic's record time: the broker's, whatever clock the producer has. */
    public static final String EVENTS_TIMESTAMP_TYPE = "LogAppendTime";

    public TopicLayout {
        if (events == null || events.isBlank() || deadLetters == null || deadLetters.isBlank()) {
            throw new InvalidStatException("topic names must not be empty: '" + events + "', '" + deadLetters + "'");
        }
        if (partitions < 1) {
            throw new InvalidStatException("topic partitions must be at least 1, got " + partitions);
        }
        if (replication < 1) {
            throw new InvalidStatException("topic replication must be at least 1, got " + replication);
        }
    }

    /** {@code stats.events} and {@code stats.deadletter}. */
    public static TopicLayout of(int partitions, int replication) {
        return new TopicLayout(EVENTS, DEAD_LETTERS, partitions, (short) replication);
    }

    /**
     * Creates the topics that do not exist yet and checks that the events topic has the
     * configured partition count.
     *
     * @throws IllegalStateException when the events topic exists with another partition count
     */
    public void ensureExists(String bootstrapServers) {
        ensureExists(bootstrapServers, Map.of());
    }

    /** {@link #ensureExists(String)} with extra client properties (TLS, SASL) for the admin client. */
    public void ensureExists(String bootstrapServers, Map<String, String> clientProperties) {
        Admin admin = KafkaTopics.open(bootstrapServers, clientProperties);
        try {
            ensureExists(admin);
        } finally {
            admin.close(Duration.ZERO); // do not linger on calls an unreachable cluster will never answer
        }
    }

    /**
     * Switches an events topic created with the producers' time (CreateTime, before statspipe set
     * it) to the broker's. Altered rather than refused: the switch only changes the time stamped on
     * records appended from now on, which is what the guard needs, and a record already in the log
     * keeps the time it was stored with, so a replay of it decides as before.
     */
    private void ensureBrokerTime(Admin admin) throws ExecutionException, TimeoutException, InterruptedException {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, events);
        ConfigEntry type = KafkaTopics.ask(() -> admin.describeConfigs(List.of(topic)).all().get(15, TimeUnit.SECONDS))
                .get(topic).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        if (type != null && EVENTS_TIMESTAMP_TYPE.equals(type.value())) {
            return;
        }
        AlterConfigOp set = new AlterConfigOp(new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                EVENTS_TIMESTAMP_TYPE), AlterConfigOp.OpType.SET);
        try {
            admin.incrementalAlterConfigs(Map.of(topic, List.of(set))).all().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("topic " + events + " stamps records with the producers' clocks ("
                    + TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG + "=" + (type == null ? "unknown" : type.value())
                    + ") and cannot be switched to " + EVENTS_TIMESTAMP_TYPE + ": " + e.getCause()
                    + "; set it on the topic (kafka-configs.sh --alter --entity-type topics --entity-name " + events
                    + " --add-config " + TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG + "=" + EVENTS_TIMESTAMP_TYPE
                    + ") or grant this client AlterConfigs on it", e);
        }
        LOG.info("topic {} stamped records with the producers' clocks ({}={}); switched it to the broker's time ({}),"
                + " so one producer's fast clock cannot move the watermark", events,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, type == null ? "unknown" : type.value(), EVENTS_TIMESTAMP_TYPE);
    }

    public void ensureExists(Admin admin) {
        Map<String, String> config = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_MESSAGE_BYTES),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, replication)));
        Map<String, String> deadLetterConfig = new HashMap<>(config);
        deadLetterConfig.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(DEAD_LETTER_RETENTION.toMillis()));
        deadLetterConfig.put(TopicConfig.RETENTION_BYTES_CONFIG, String.valueOf(DEAD_LETTER_RETENTION_BYTES));
        Map<String, String> eventsConfig = new HashMap<>(config);
        eventsConfig.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, EVENTS_TIMESTAMP_TYPE);
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(events, partitions, replication).configs(eventsConfig));
        wanted.add(new NewTopic(deadLetters, partitions, replication).configs(deadLetterConfig));
        KafkaTopics.ensure(admin, wanted);
        try {
            TopicDescription described = KafkaTopics.ask(() -> admin.describeTopics(List.of(events)).allTopicNames()
                    .get(15, TimeUnit.SECONDS)).get(events);
            if (described.partitions().size() != partitions) {
                throw new IllegalStateException("topic " + events + " has " + described.partitions().size()
                        + " partitions but statspipe is configured for " + partitions
                        + ": series would land in the wrong partitions");
            }
            ensureBrokerTime(admin);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + events + ", " + deadLetters + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
