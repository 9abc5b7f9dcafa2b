package io.statspipe.adapter.kafka;

import io.statspipe.ports.out.DeadLetter;
import io.statspipe.ports.out.DeadLetterContent;
import io.statspipe.ports.out.DeadLetterPort;
import io.statspipe.ports.out.EngineUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the dead-letter topic, for the agent and the topology alike, in one format
 * (docs/design/wire-format.md, "Dead letters"): the value is the refused bytes (their first
 * {@link DeadLetterContent#MAX_BYTES}); the key is the letter's {@link DeadLetter#key()} where it
 * has one; the headers are {@value #FORMAT_VERSION_HEADER}, {@value #REASON_HEADER},
 * {@value #SOURCE_HEADER}, {@value #SOURCE_PARTITION_HEADER} and {@value #SOURCE_OFFSET_HEADER}
 * where the record's place is known, {@value #PARTIAL_HEADER} for a refused partial, and
 * {@code original-bytes} when the value was cut.
 *
 * <p>Two ways in: {@link #send} returns once Kafka has every letter (the topology completes a
 * flush only after its dead letters are durable); {@link #publish} queues a letter and never
 * blocks (ingest threads): the queue is bounded in bytes and one sender thread drains it, and a
 * letter that cannot be queued or written is counted as failed and logged.
 */
public final class KafkaDeadLetters implements DeadLetterPort {
    public static final String FORMAT_VERSION_HEADER = "format-version";
    /** The dead-letter format this writer writes; a reader refuses a version it does not know. */
    public static final String FORMAT_VERSION = "1";
    public static final String REASON_HEADER = "reason";
    public static final String SOURCE_HEADER = "source";
    public static final String SOURCE_PARTITION_HEADER = "source-partition";
    public static final String SOURCE_OFFSET_HEADER = "source-offset";
    public static final String PARTIAL_HEADER = "partial";
    /** Bytes of dead letters waiting for Kafka at most: ingest never holds more for them. */
    static final long QUEUE_BYTES = 16L * 1024 * 1024;
    /** How long {@link #send} waits for Kafka before the caller is told it is unavailable (and retries). */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetters.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final BlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;

    public KafkaDeadLetters(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    /** With extra client properties (TLS, SASL), applied over the producer's own. */
    public KafkaDeadLetters(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.topic = topic;
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
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
     * Sends every letter and returns once Kafka has them all.
     *
     * @throws EngineUnavailableException when Kafka did not take them all in time
     */
    @Override
    public void send(List<DeadLetter> letters) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        try {
            for (DeadLetter letter : letters) {
                sent.add(producer.send(record(letter, letter.payload().length)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            published.addAndGet(letters.size());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new EngineUnavailableException("cannot send " + letters.size() + " dead letters to " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted sending dead letters to " + topic, e);
        }
    }

    /**
     * Queues {@code input} for the dead-letter topic with its reason and source; never blocks
     * the caller (ingest threads): when the queue is full the dead letter is counted as failed.
     */
    public void publish(byte[] input, String reason, String source) {
        Queued queued = new Queued(DeadLetter.ofInput(source, reason, DeadLetterContent.kept(input)), input.length);
        long size = queued.size();
        if (queuedBytes.addAndGet(size) > QUEUE_BYTES) {
            queuedBytes.addAndGet(-size);
            countFailure(new IllegalStateException("dead-letter queue full (" + QUEUE_BYTES + " bytes waiting for Kafka)"));
            return;
        }
        queue.add(queued);
    }

    /** A letter waiting for the sender thread: its input already cut, with the input's full length. */
    private record Queued(DeadLetter letter, int originalBytes) {
        long size() {
            return letter.payload().length + 2L * (letter.reason().length() + letter.source().length()) + 64;
        }
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            try {
                Queued queued = queue.poll(100, TimeUnit.MILLISECONDS);
                if (queued != null) {
                    queuedBytes.addAndGet(-queued.size());
                    publishNow(queued);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void publishNow(Queued queued) {
        try {
            producer.send(record(queued.letter(), queued.originalBytes()), (metadata, error) -> {
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

    /**
     * The one dead-letter record format (version {@value #FORMAT_VERSION}); {@code originalBytes} is
     * the refused input's full length, more than the payload when it was cut before.
     */
    private ProducerRecord<byte[], byte[]> record(DeadLetter letter, int originalBytes) {
        byte[] payload = letter.payload();
        RecordHeaders headers = new RecordHeaders();
        headers.add(FORMAT_VERSION_HEADER, utf8(FORMAT_VERSION));
        headers.add(REASON_HEADER, utf8(letter.reason()));
        headers.add(SOURCE_HEADER, utf8(letter.source()));
        letter.position().ifPresent(p -> {
            headers.add(SOURCE_PARTITION_HEADER, utf8(Integer.toString(p.partition())));
            headers.add(SOURCE_OFFSET_HEADER, utf8(Long.toString(p.offset())));
        });
        letter.partial().ifPresent(p -> headers.add(PARTIAL_HEADER, utf8(p)));
        if (DeadLetterContent.cut(payload) || originalBytes > payload.length) {
            headers.add(DeadLetterContent.ORIGINAL_BYTES_HEADER, utf8(Integer.toString(Math.max(originalBytes, payload.length))));
        }
        byte[] key = letter.key().map(KafkaDeadLetters::utf8).orElse(null);
        return new ProducerRecord<>(topic, null, key, DeadLetterContent.kept(payload), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void countFailure(Throwable error) {
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
