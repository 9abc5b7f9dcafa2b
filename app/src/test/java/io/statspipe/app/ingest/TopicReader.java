package io.statspipe.app.ingest;

import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.ConsumedBatch;
import io.statspipe.adapter.kafka.EventsConsumer;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.domain.Event;
import io.statspipe.domain.ProducerSequences;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Test reader of the events topic (batches de-duplicated by batch id per partition) and of the dead-letter topic. */
final class TopicReader implements AutoCloseable {
    /** A dead letter as read: the input, its reason and origin headers, and its full length when it was cut. */
    record DeadLetter(String input, String reason, String origin, java.util.Optional<Integer> originalBytes) {
    }

    private final EventsConsumer events;
    private final KafkaConsumer<byte[], byte[]> deadLetters;
    private final Map<Integer, ProducerSequences> sequences = new HashMap<>();
    final List<ConsumedBatch> batches = new ArrayList<>();
    final List<Event> deduplicated = new ArrayList<>();
    final List<DeadLetter> dead = new ArrayList<>();

    TopicReader(String bootstrap, String eventsTopic, String deadLetterTopic) {
        events = new EventsConsumer(bootstrap, eventsTopic, new ProtobufEventBatchFormat());
        deadLetters = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = deadLetters.partitionsFor(deadLetterTopic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(deadLetterTopic, p.partition())).toList();
        deadLetters.assign(partitions);
        deadLetters.seekToBeginning(partitions);
    }

    TopicReader readUntil(Predicate<TopicReader> done, Duration deadline) {
        // the consumers are not for several threads: poll in the test's own
        await().atMost(deadline).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            if (!done.test(this)) {
                poll();
            }
            return done.test(this);
        });
        return this;
    }

    TopicReader readFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            poll();
        }
        return this;
    }

    private void poll() {
        for (ConsumedBatch batch : events.poll(Duration.ofMillis(100)).batches()) {
            batches.add(batch);
            if (sequences.computeIfAbsent(batch.partition(), p -> new ProducerSequences()).firstTime(batch.batch().id())) {
                deduplicated.addAll(batch.batch().events());
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : deadLetters.poll(Duration.ofMillis(10))) {
            org.apache.kafka.common.header.Header original = r.headers().lastHeader("original-bytes");
            dead.add(new DeadLetter(new String(r.value(), StandardCharsets.UTF_8),
                    new String(r.headers().lastHeader("reason").value(), StandardCharsets.UTF_8),
                    new String(r.headers().lastHeader("origin").value(), StandardCharsets.UTF_8),
                    java.util.Optional.ofNullable(original)
                            .map(h -> Integer.valueOf(new String(h.value(), StandardCharsets.UTF_8)))));
        }
    }

    List<Event> eventsOf(String metricPrefix) {
        return deduplicated.stream().filter(e -> e.series().metric().startsWith(metricPrefix)).toList();
    }

    @Override
    public void close() {
        events.close();
        deadLetters.close();
    }
}
