package io.statspipe.adapter.kafka;

import static org.awaitility.Awaitility.await;

import io.statspipe.domain.Event;
import io.statspipe.domain.ProducerSequences;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Test reader of an events topic: every batch as consumed, and the events that survive de-duplication by batch id. */
final class EventsTopicReader implements AutoCloseable {
    private final EventsConsumer consumer;
    private final List<ConsumedBatch> batches = new ArrayList<>();
    private final List<RejectedRecord> rejected = new ArrayList<>();
    private final Map<Integer, ProducerSequences> sequences = new HashMap<>();
    private final List<Event> deduplicated = new ArrayList<>();
    private int duplicateBatches;

    EventsTopicReader(String bootstrapServers, String topic) {
        this.consumer = new EventsConsumer(bootstrapServers, topic, new ProtobufEventBatchFormat());
    }

    /** Polls until {@code done} holds for the de-duplicated events; fails at the deadline. */
    EventsTopicReader readUntil(Predicate<List<Event>> done, Duration deadline) {
        // the consumer is not for several threads: poll in the test's own
        await().atMost(deadline).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    if (!done.test(deduplicated)) {
                        poll(Duration.ofMillis(200));
                    }
                    return done.test(deduplicated);
                });
        return this;
    }

    /** Keeps polling for a while: to see that nothing more (no extra copy) arrives. */
    EventsTopicReader readFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            poll(Duration.ofMillis(200));
        }
        return this;
    }

    private void poll(Duration timeout) {
        EventsConsumer.Poll poll = consumer.poll(timeout);
        rejected.addAll(poll.rejected());
        for (ConsumedBatch batch : poll.batches()) {
            batches.add(batch);
            if (sequences.computeIfAbsent(batch.partition(), p -> new ProducerSequences()).firstTime(batch.batch().id())) {
                deduplicated.addAll(batch.batch().events());
            } else {
                duplicateBatches++;
            }
        }
    }

    List<ConsumedBatch> batches() {
        return batches;
    }

    List<RejectedRecord> rejected() {
        return rejected;
    }

    List<Event> deduplicated() {
        return deduplicated;
    }

    int duplicateBatches() {
        return duplicateBatches;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
