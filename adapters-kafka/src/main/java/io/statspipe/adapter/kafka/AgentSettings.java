package io.statspipe.adapter.kafka;

import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.domain.InvalidStatException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the store-and-forward agent runs.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param topics the topics and the events topic's partition count (events are partitioned by series with it)
 * @param spool the local spool
 * @param unreachableAfter how long a send may wait before the agent reports (INFO) that it is only spooling
 * @param clientProperties extra properties for every Kafka client of the agent (its producers and its admin
 *                         client): TLS and SASL settings, applied over the agent's own; the configuration
 *                         refuses the keys the agent relies on (acks, idempotence, serializers, ...)
 * @param idempotency how long and how many HTTP requests' {@code Idempotency-Key}s are remembered
 */
public record AgentSettings(String bootstrapServers, TopicLayout topics, SpoolSettings spool, Duration unreachableAfter,
                            Map<String, String> clientProperties, IdempotencyWindow idempotency) {
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
        if (clientProperties == null) {
            throw new InvalidStatException("agent needs client properties (an empty map for none)");
        }
        if (idempotency == null) {
            throw new InvalidStatException("agent needs an idempotency window");
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    /** Settings whose Kafka clients get no extra properties. */
    public AgentSettings(String bootstrapServers, TopicLayout topics, SpoolSettings spool, Duration unreachableAfter) {
        this(bootstrapServers, topics, spool, unreachableAfter, Map.of(), IdempotencyWindow.DEFAULT);
    }

    public static AgentSettings of(String bootstrapServers, TopicLayout topics, SpoolSettings spool) {
        return new AgentSettings(bootstrapServers, topics, spool, DEFAULT_UNREACHABLE_AFTER);
    }

    public AgentSettings withClientProperties(Map<String, String> properties) {
        return new AgentSettings(bootstrapServers, topics, spool, unreachableAfter, properties, idempotency);
    }

    public AgentSettings withIdempotency(IdempotencyWindow window) {
        return new AgentSettings(bootstrapServers, topics, spool, unreachableAfter, clientProperties, window);
    }

    /** Names the client properties without their values: a SASL or keystore password must never reach a log. */
    @Override
    public String toString() {
        return "AgentSettings[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", spool=" + spool
                + ", unreachableAfter=" + unreachableAfter + ", clientProperties=" + new TreeMap<>(clientProperties).keySet()
                + ", idempotency=" + idempotency + "]";
    }
}
