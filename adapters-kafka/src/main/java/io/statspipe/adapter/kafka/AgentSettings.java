package io.statspipe.adapter.kafka;

import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.domain.InvalidStatException;
import java.time.Duration;

/**
 * How the store-and-forward agent runs.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param topics the topics and the events topic's partition count (events are partitioned by series with it)
 * @param spool the local spool
 * @param unreachableAfter how long a send may wait before the agent reports (INFO) that it is only spooling
 */
public record AgentSettings(String bootstrapServers, TopicLayout topics, SpoolSettings spool, Duration unreachableAfter) {
    public static final Duration DEFAULT_UNREACHABLE_AFTER = Duration.ofSeconds(5);

    public AgentSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new InvalidStatException("agent needs Kafka bootstrap servers");
        }
        if (topics == null || spool == null) {
            throw new InvalidStatException("agent needs a topic layout and spool settings");
        }
        if (unreachableAfter == null || unreachableAfter.isNegative() || unreachableAfter.isZero()) {
            throw new InvalidStatException("unreachableAfter must be positive, got " + unreachableAfter);
        }
    }

    public static AgentSettings of(String bootstrapServers, TopicLayout topics, SpoolSettings spool) {
        return new AgentSettings(bootstrapServers, topics, spool, DEFAULT_UNREACHABLE_AFTER);
    }
}
