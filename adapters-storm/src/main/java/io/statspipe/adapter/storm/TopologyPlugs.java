package io.statspipe.adapter.storm;

import io.statspipe.domain.RuleSet;
import io.statspipe.ports.out.DeadLetterPort;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.ports.out.EventBatchFormat;
import io.statspipe.ports.out.WritePartialsPort;
import java.io.Serializable;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The ports the topology is handed by the wiring, as small serializable factories: Storm
 * serializes the bolts and builds the engines' clients again in each worker. This adapter never
 * knows which adapter sits behind them.
 */
public record TopologyPlugs(Factory<RuleSet> rules, Factory<EventBatchFormat> format,
                            Factory<WritePartialsPort> store, Factory<DurabilityCheck> durability,
                            DeadLetterFactory deadLetters, CompactedTopics compactedTopics)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A serializable way to build one port in a worker. */
    @FunctionalInterface
    public interface Factory<T> extends Supplier<T>, Serializable {
    }

    /**
     * A serializable way to open the dead-letter port in a worker, on the topology's Kafka
     * ({@link TopologySettings#bootstrapServers()}, {@link TopologySettings#deadLetterTopic()},
     * {@link TopologySettings#kafkaClientProperties()}).
     */
    @FunctionalInterface
    public interface DeadLetterFactory extends Serializable {
        DeadLetterPort open(String bootstrapServers, String topic, Map<String, String> clientProperties);
    }

    /**
     * Creates, when missing, a compacted topic where the topology keeps state by key (its flush
     * intents), the one way statspipe creates topics; {@code config} is the topic's own settings
     * on top of compaction.
     */
    @FunctionalInterface
    public interface CompactedTopics extends Serializable {
        void ensure(String bootstrapServers, Map<String, String> clientProperties, String topic, Map<String, String> config);
    }

    public TopologyPlugs {
        if (rules == null || format == null || store == null || durability == null || deadLetters == null
                || compactedTopics == null) {
            throw new IllegalArgumentException("the topology needs rules, a batch format, a store, a durability check,"
                    + " a dead-letter port and a way to create its topics");
        }
    }
}
