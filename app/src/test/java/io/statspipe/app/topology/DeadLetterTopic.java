package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the whole dead-letter topic as it stands, for tests that check what was refused and why. */
public final class DeadLetterTopic {
    /**
     * One dead letter: its key, what was refused, the reason, where it came from (the {@code source}
     * header: e.g. {@code http} from the agent, {@code topology} from the topology), and the refused
     * partial's identity when it is one.
     */
    public record Letter(String key, byte[] payload, String reason, String source, Optional<String> partial) {
        /** What was refused, as text. */
        public String value() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private DeadLetterTopic() {
    }

    /** Every dead letter in {@code stats.deadletter} of the broker at {@code bootstrapServers}, up to its current end. */
    public static List<Letter> readAll(String bootstrapServers) {
        return readAll(bootstrapServers, Map.of());
    }

    /** The same, with extra client properties (TLS, SASL). */
    public static List<Letter> readAll(String bootstrapServers, Map<String, String> clientProperties) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicLayout.DEAD_LETTERS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(TopicLayout.DEAD_LETTERS, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Letter> letters = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(new Letter(r.key() == null ? "" : r.key(), r.value(), header(r, "reason").orElse(""),
                            header(r, "source").orElse(""), header(r, "partial")));
                }
            }
            return letters;
        }
    }

    private static Optional<String> header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
