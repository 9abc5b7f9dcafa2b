package io.statspipe.adapter.kafka;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.statspipe.adapter.kafka.SubBatches.SubBatch;
import io.statspipe.adapter.kafka.spool.Spool;
import io.statspipe.adapter.kafka.spool.SpoolCorruptException;
import io.statspipe.adapter.kafka.spool.SpooledRecord;
import io.statspipe.domain.ProducerSequences;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the spool into the events topic, in spool order, and forgets spooled batches only
 * after Kafka acknowledged every one of their records.
 *
 * <p>Why no batch is ever lost to de-duplication: consumers drop a batch whose sequence is not
 * above the highest already seen from its producer in the same partition, so per partition the
 * records must arrive in sequence order. The producer is idempotent (acks=all, at most 5
 * request in flight per connection, so retries keep the order) and is never allowed to give a record
 * up ({@code delivery.timeout.ms} and {@code retries} are unbounded): while Kafka is away the
 * records wait, in order, and the spool grows. Each spool record is handed to the producer
 * exactly once per run; after a restart the unacknowledged ones are sent again, in the same
 * order, with the same batch ids, and consumers drop the copies.
 */
final class KafkaForwarder implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaForwarder.class);
    /** Consumers count on it: a re-send never reaches further back than one window (see ProducerSequences). */
    private static final int WINDOW_RECORDS = ProducerSequences.REPLAY_WINDOW;
    private static final long WINDOW_BYTES = 32L << 20;

    private final Spool spool;
    private final AgentSettings settings;
    private final KafkaDeadLetters deadLetters;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong forwardedEvents = new AtomicLong();
    private final AtomicLong forwardedBatches = new AtomicLong();
    private final AtomicLong refusedByKafka = new AtomicLong();
    private final AtomicLong corruptInSpool = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean spooling;
    private long waitingSince = -1;
    /** Reading the spool: a failed read is read again from the oldest unacknowledged record. */
    private final RetryPolicy<List<SpooledRecord>> spoolReads;
    /** Offering a record until the producer takes it: after it, no later record is offered. */
    private final RetryPolicy<Future<RecordMetadata>> offers;

    KafkaForwarder(Spool spool, AgentSettings settings, KafkaDeadLetters deadLetters) {
        this.spool = spool;
        this.settings = settings;
        this.deadLetters = deadLetters;
        Map<String, Object> config = new HashMap<>(Map.ofEntries(
                Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()),
                Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                // one request in flight: retries after a leader change can never interleave batches
                Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                Map.entry(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE),
                Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE),
                Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000),
                Map.entry(ProducerConfig.LINGER_MS_CONFIG, 5),
                Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20),
                Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20),
                Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicLayout.MAX_MESSAGE_BYTES),
                Map.entry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100),
                Map.entry(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 2000),
                Map.entry(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000)));
        config.putAll(settings.clientProperties());
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.spoolReads = ForwardRetries.<List<SpooledRecord>>whileRunning(ForwardRetries.FIRST_DELAY,
                        ForwardRetries.MAX_DELAY, () -> running)
                .handleIf(e -> e instanceof RuntimeException && !(e instanceof SpoolCorruptException))
                .onRetryScheduled(e -> {
                    // Nothing of a window that failed was sent: read again from the oldest unacknowledged record.
                    spool.rewindToAcknowledged();
                    LOG.error("cannot read the spool (failure {} in a row); reading it again from the oldest unsent"
                            + " batch in {} ms", e.getAttemptCount(), e.getDelay().toMillis(), e.getLastException());
                })
                .build();
        this.offers = ForwardRetries.<Future<RecordMetadata>>whileRunning(ForwardRetries.SEND_FIRST_DELAY,
                        ForwardRetries.SEND_MAX_DELAY, () -> running)
                .handle(KafkaException.class)
                .handleResultIf(future -> future.isDone() && notAppended(future))
                .onFailedAttempt(e -> unreachable(e.getLastException() != null ? e.getLastException()
                        : new org.apache.kafka.common.errors.TimeoutException("record not taken by the producer")))
                .build();
    }

    @Override
    public void run() {
        ensureTopics();
        while (running) {
            List<SpooledRecord> window;
            try {
                window = Failsafe.with(spoolReads).get(
                        () -> spool.read(WINDOW_RECORDS, WINDOW_BYTES, Duration.ofMillis(200)));
            } catch (SpoolCorruptException e) {
                LOG.error("{}: forwarding stopped, events stay in the spool", e.getMessage());
                running = false;
                return;
            } catch (RuntimeException e) {
                return; // stopping
            }
            if (window.isEmpty()) {
                continue;
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<SubBatch> subBatches = new ArrayList<>();
            long events = 0;
            for (SpooledRecord record : window) {
                if (record.corruption().isPresent()) {
                    corruptInSpool.incrementAndGet();
                    LOG.error("{}; sent to the dead-letter topic", record.corruption().get());
                    deadLetters.publish(record.payload(), record.corruption().get(), "spool:" + spool.producerId());
                    continue;
                }
                events += record.events();
                for (SubBatch sub : SubBatches.read(record.payload())) {
                    Future<RecordMetadata> future = sendUntilTaken(sub);
                    if (future == null) {
                        return; // stopping: nothing acknowledged, everything is sent again on the next start
                    }
                    sent.add(future);
                    subBatches.add(sub);
                }
            }
            boolean delivered = true;
            for (int i = 0; i < sent.size() && delivered; i++) {
                Delivery outcome = awaitAcknowledged(sent.get(i), subBatches.get(i));
                if (outcome == Delivery.STOPPING) {
                    return;
                }
                delivered = outcome == Delivery.DONE;
            }
            if (!delivered) {
                spool.rewindToAcknowledged();
                continue;
            }
            spool.acknowledgeRead();
            forwardedBatches.addAndGet(window.size());
            forwardedEvents.addAndGet(events);
            reachable();
        }
    }

    private void ensureTopics() {
        RetryPolicy<Object> untilCreated = ForwardRetries.whileRunning(ForwardRetries.FIRST_DELAY, ForwardRetries.MAX_DELAY,
                        () -> running)
                .handleIf(e -> e instanceof IllegalStateException && !partitionCountDiffers(e))
                .onFailedAttempt(e -> unreachable(e.getLastException()))
                .build();
        try {
            Failsafe.with(untilCreated).run(() -> settings.topics().ensureExists(settings.bootstrapServers(),
                    settings.clientProperties()));
            reachable();
        } catch (IllegalStateException e) {
            if (partitionCountDiffers(e)) {
                LOG.error("{}: forwarding stopped, events stay in the spool", e.getMessage());
                running = false;
            }
        } catch (FailsafeException e) {
            // interrupted: stopping
        }
    }

    private static boolean partitionCountDiffers(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("partitions but statspipe is configured");
    }

    /**
     * Hands the record to the producer, retrying while Kafka's metadata is missing or the
     * producer's buffer is full. The producer reports both as an already-failed future with a
     * timeout: the record was not appended, so it is offered again before any later record,
     * which keeps the per-partition order.
     */
    private Future<RecordMetadata> sendUntilTaken(SubBatch sub) {
        try {
            Future<RecordMetadata> future = Failsafe.with(offers).get(() -> producer.send(
                    new ProducerRecord<>(settings.topics().events(), sub.partition(), null, sub.bytes())));
            return running ? future : null;
        } catch (KafkaException | FailsafeException e) {
            return null; // stopping
        }
    }

    private static boolean notAppended(Future<RecordMetadata> done) {
        try {
            done.get();
            return false;
        } catch (ExecutionException e) {
            return e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private enum Delivery { DONE, RESEND, STOPPING }

    /** DONE once Kafka acknowledged the record, or refused it for good (then it is dead-lettered). */
    private Delivery awaitAcknowledged(Future<RecordMetadata> future, SubBatch sub) {
        while (running) {
            try {
                future.get(500, TimeUnit.MILLISECONDS);
                return Delivery.DONE;
            } catch (TimeoutException e) {
                unreachable(e);
            } catch (ExecutionException e) {
                if (!running) {
                    return Delivery.STOPPING;
                }
                if (e.getCause() instanceof org.apache.kafka.common.errors.RetriableException) {
                    // cannot happen with unbounded delivery time; if it does, send the window again from the spool
                    LOG.error("Kafka gave up a batch for partition {} ({}); sending the unacknowledged spool again",
                            sub.partition(), e.getCause().toString());
                    pause(1000);
                    return Delivery.RESEND;
                }
                // Only non-retriable errors get here (delivery never times out): the record itself is refused.
                refusedByKafka.incrementAndGet();
                LOG.error("Kafka refused a batch for partition {}: {}; sent to the dead-letter topic", sub.partition(),
                        e.getCause().toString());
                deadLetters.publish(sub.bytes(), "Kafka refused the batch: " + e.getCause(), "agent:" + spool.producerId());
                return Delivery.DONE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Delivery.STOPPING;
            }
        }
        return Delivery.STOPPING;
    }

    private void unreachable(Throwable cause) {
        long now = System.nanoTime();
        if (waitingSince < 0) {
            waitingSince = now;
        } else if (!spooling && now - waitingSince > settings.unreachableAfter().toNanos()) {
            spooling = true;
            LOG.info("Kafka at {} unreachable for {} ms ({}): spooling to {}, {} events waiting",
                    settings.bootstrapServers(), (now - waitingSince) / 1_000_000, cause.getClass().getSimpleName(),
                    settings.spool().dir(), spool.stats().unsentEvents());
        }
    }

    private void reachable() {
        if (spooling) {
            LOG.info("Kafka at {} reachable again after {} ms: forwarding the spool ({} events waiting)",
                    settings.bootstrapServers(), (System.nanoTime() - waitingSince) / 1_000_000, spool.stats().unsentEvents());
        }
        spooling = false;
        waitingSince = -1;
    }

    boolean spooling() {
        return spooling;
    }

    long forwardedEvents() {
        return forwardedEvents.get();
    }

    long forwardedBatches() {
        return forwardedBatches.get();
    }

    /** Batches not forwarded for good: refused by Kafka, or found corrupt in the spool (both dead-lettered). */
    long notForwarded() {
        return refusedByKafka.get() + corruptInSpool.get();
    }

    /** Stops forwarding; records not yet acknowledged stay in the spool for the next start. */
    void stop(Thread thread) {
        running = false;
        thread.interrupt(); // out of a blocking Admin call or a wait on the spool
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
