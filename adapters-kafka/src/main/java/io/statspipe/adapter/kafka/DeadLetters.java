package io.statspipe.adapter.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter topic: rejected input exactly as it arrived (the record value), with
 * headers {@code reason} (what is wrong, UTF-8) and {@code origin} (where it came from, e.g.
 * {@code udp:127.0.0.1:51234}). Publication is asynchronous (a bounded queue and one sender thread); rejected input is counted
 * whether or not Kafka takes it, and a failed publication is counted and logged.
 */
public final class DeadLetters implements AutoCloseable {
    public static final String REASON_HEADER = "reason";
    public static final String ORIGIN_HEADER = "origin";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private static final int QUEUE = 10_000;
    private final java.util.concurrent.BlockingQueue<DeadLetter> queue = new java.util.concurrent.ArrayBlockingQueue<>(QUEUE);
    private final Thread sender;
    private volatile boolean running = true;

    public DeadLetters(String bootstrapServers, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                // dead letters never hold up ingest: when Kafka is away they wait briefly, then count as failed
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicLayout.MAX_MESSAGE_BYTES),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.sender = new Thread(this::drain, "dead-letters");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /**
     * Queues {@code input} for the dead-letter topic with its reason and origin; never blocks
     * the caller (ingest threads): when the queue is full the dead letter is counted as failed.
     */
    public void publish(byte[] input, String reason, String origin) {
        if (!queue.offer(new DeadLetter(input, reason, origin))) {
            countFailure(new IllegalStateException("dead-letter queue full (" + QUEUE + ")"));
        }
    }

    private record DeadLetter(byte[] input, String reason, String origin) {
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            try {
                DeadLetter letter = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (letter != null) {
                    send(letter.input(), letter.reason(), letter.origin());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send(byte[] input, String reason, String origin) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(new ProducerRecord<byte[], byte[]>(topic, null, (byte[]) null, input, headers), (metadata, error) -> {
                if (error == null) {
                    published.incrementAndGet();
                } else {
                    countFailure(error);
                }
            });
        } catch (RuntimeException e) {
            countFailure(e);
        }
    }

    private void countFailure(Exception error) {
        long n = failed.incrementAndGet();
        if (Long.bitCount(n) == 1) { // 1, 2, 4, 8 ...: visible, not flooding
            LOG.warn("{} dead letters could not be written to {} so far: {}", n, topic, error.toString());
        }
    }

    public long published() {
        return published.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            sender.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
