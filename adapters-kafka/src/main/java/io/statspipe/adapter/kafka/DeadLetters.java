package io.statspipe.adapter.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import io.statspipe.ports.out.DeadLetterContent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter topic: rejected input as it arrived (the record value; its first
 * {@link DeadLetterContent#MAX_BYTES} bytes, with header {@code original-bytes} naming the full
 * length when cut), with headers {@code reason} (what is wrong, UTF-8) and {@code origin} (where
 * it came from, e.g. {@code udp:127.0.0.1:51234}). Publication is asynchronous (a queue bounded
 * in bytes and one sender thread); rejected input is counted whether or not Kafka takes it, and
 * a failed publication is counted and logged.
 */
public final class DeadLetters implements AutoCloseable {
    public static final String REASON_HEADER = "reason";
    public static final String ORIGIN_HEADER = "origin";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Bytes of dead letters waiting for Kafka at most: ingest never holds more for them. */
    static final long QUEUE_BYTES = 16L * 1024 * 1024;
    private final java.util.concurrent.BlockingQueue<DeadLetter> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;

    public DeadLetters(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    /** With extra client properties (TLS, SASL), applied over the producer's own. */
    public DeadLetters(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.topic = topic;
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                // dead letters never hold up ingest: when Kafka is away they wait briefly, then count as failed
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicLayout.MAX_MESSAGE_BYTES));
        config.putAll(clientProperties);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.sender = new Thread(this::drain, "dead-letters");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /**
     * Queues {@code input} for the dead-letter topic with its reason and origin; never blocks
     * the caller (ingest threads): when the queue is full the dead letter is counted as failed.
     */
    public void publish(byte[] input, String reason, String origin) {
        DeadLetter letter = new DeadLetter(DeadLetterContent.kept(input), input.length, reason, origin);
        long size = letter.size();
        if (queuedBytes.addAndGet(size) > QUEUE_BYTES) {
            queuedBytes.addAndGet(-size);
            countFailure(new IllegalStateException("dead-letter queue full (" + QUEUE_BYTES + " bytes waiting for Kafka)"));
            return;
        }
        queue.add(letter);
    }

    /** Refused input as kept (at most {@link DeadLetterContent#MAX_BYTES}), with its full length. */
    private record DeadLetter(byte[] input, int originalBytes, String reason, String origin) {
        long size() {
            return input.length + 2L * (reason.length() + origin.length()) + 64;
        }
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            try {
                DeadLetter letter = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (letter != null) {
                    queuedBytes.addAndGet(-letter.size());
                    send(letter);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, letter.reason().getBytes(StandardCharsets.UTF_8));
        headers.add(ORIGIN_HEADER, letter.origin().getBytes(StandardCharsets.UTF_8));
        if (letter.originalBytes() > letter.input().length) {
            headers.add(DeadLetterContent.ORIGINAL_BYTES_HEADER,
                    Integer.toString(letter.originalBytes()).getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(new ProducerRecord<byte[], byte[]>(topic, null, (byte[]) null, letter.input(), headers), (metadata, error) -> {
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
