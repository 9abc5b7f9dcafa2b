package io.statspipe.app.config;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code statspipe.event-log.client} block: Kafka client properties (TLS, SASL, client ids,
 * timeouts ...) that statspipe passes, as given, to every Kafka client it makes: the agent's
 * producers and admin client, the topology's spout, flush intents, range reads and dead letters.
 * They are applied over statspipe's own settings, so a key statspipe relies on for counting
 * exactly cannot be passed: it is refused, naming the key and why, rather than ignored.
 */
public record KafkaClientProperties(Map<String, String> properties) {
    public static final String KEY = "statspipe.event-log.client";
    public static final KafkaClientProperties NONE = new KafkaClientProperties(Map.of());

    /** The keys statspipe sets itself on its Kafka clients because counting exactly depends on them, each with why. */
    static final Map<String, String> CONTROLLED = Map.ofEntries(
            Map.entry("bootstrap.servers", "set the brokers with statspipe.event-log.bootstrap-servers"),
            Map.entry("key.serializer", "statspipe's records are in its own wire format"),
            Map.entry("value.serializer", "statspipe's records are in its own wire format"),
            Map.entry("key.deserializer", "statspipe's records are in its own wire format"),
            Map.entry("value.deserializer", "statspipe's records are in its own wire format"),
            Map.entry("acks", "a batch leaves the agent's spool only once every in-sync replica has it (acks=all)"),
            Map.entry("enable.idempotence", "a retried send must not write a batch twice or out of order"),
            Map.entry("max.in.flight.requests.per.connection",
                    "the agent sends one request at a time, so that a retry keeps each partition's order"),
            Map.entry("retries", "the agent never gives a batch up: it waits in the spool until Kafka takes it"),
            Map.entry("delivery.timeout.ms", "the agent never gives a batch up: it waits in the spool until Kafka takes it"),
            Map.entry("transactional.id", "statspipe's producers are not transactional: batch ids and flush intents make"
                    + " counting exact"),
            Map.entry("isolation.level", "statspipe reads committed records only (read_committed)"),
            Map.entry("enable.auto.commit", "the topology commits an offset only once the flush that counted it is complete"),
            Map.entry("auto.offset.reset", "where the topology starts reading is part of counting every event once"),
            Map.entry("group.id", "the topology's consumer group holds its committed offsets"));

    public KafkaClientProperties {
        Map<String, String> sorted = new TreeMap<>(properties);
        for (String key : sorted.keySet()) {
            String why = CONTROLLED.get(key);
            if (why != null) {
                throw new ConfigurationException(KEY + "." + key + " cannot be set: statspipe sets it itself ("
                        + why + ")");
            }
        }
        properties = Collections.unmodifiableMap(sorted);
    }

    /** The property names, for logs: values may be passwords. */
    public Set<String> keys() {
        return properties.keySet();
    }

    /** Names the properties without their values: a SASL or keystore password must never reach a log. */
    @Override
    public String toString() {
        return KEY + keys();
    }
}
