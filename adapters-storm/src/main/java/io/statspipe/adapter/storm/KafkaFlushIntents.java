package io.statspipe.adapter.storm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.FlushIntent;
import io.statspipe.ports.out.FlushIntentPort;
import io.statspipe.ports.out.StreamTakenOverException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Flush intents in a compacted Kafka topic ({@code stats.flush-intents}): one record per begin
 * and per complete, keyed by stream, so compaction keeps the newest per partition for ever.
 * Writes use {@code acks=all} and wait for the broker, so {@link #begin} and {@link #complete}
 * are durable when they return, whatever happens to the topology's JVM afterwards.
 *
 * <p>Each stream is written by a transactional producer of its own, whose transactional id
 * names the topic and the stream: {@link #claim} starts it ({@code initTransactions}), which
 * fences every earlier producer of that id in any JVM and aborts the transaction such a producer
 * left open; each begin and complete is one transaction, so a fenced owner's record never
 * becomes readable (the consumer reads committed records only). After an error that leaves a
 * producer unusable, this owner no longer writes the stream until it claims it again.
 *
 * <p>Value format: JSON, version 3 ({@link StoredIntent}); version 2 (the same without gauge
 * levels, which it began with at 0) and version 1 (one line of text) are still read.
 */
public final class KafkaFlushIntents implements FlushIntentPort, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * The intents topic's settings on top of compaction (one partition, created by the wiring's
     * {@link TopologyPlugs.CompactedTopics} before the first intent is read): compacted every ten
     * minutes, once a tenth of it is superseded, so that recovery reads little.
     */
    public static final Map<String, String> TOPIC_CONFIG = Map.of(TopicConfig.SEGMENT_MS_CONFIG, "600000",
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1");
    /** Below {@link #TIMEOUT}: a reader waiting for a killed owner's transaction sees it aborted in time. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(15);

    private final String topic;
    private final TopicPartition partition;
    private final Properties producerProperties;
    /** The producer of each stream this owner claimed and still holds. */
    private final Map<String, KafkaProducer<String, String>> writers = new ConcurrentHashMap<>();
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, String> consumer;
    /** Asks for the log's end including undecided transactions (the reading consumer sees only up to the last stable offset). */
    private final KafkaConsumer<String, String> logEnd;
    private final Map<String, IntentState> newest = new ConcurrentHashMap<>();

    public KafkaFlushIntents(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    /** With extra client properties (TLS, SASL) for its producer, consumer and admin client, applied over their own. */
    public KafkaFlushIntents(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        // an owner killed inside a transaction holds back every reader of the topic until its
        // successor claims the stream or this timeout aborts it
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        p.putAll(clientProperties);
        this.producerProperties = p;
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.putAll(clientProperties);
        this.consumer = new KafkaConsumer<>(c);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        Properties e = new Properties();
        e.putAll(c);
        e.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        this.logEnd = new KafkaConsumer<>(e);
    }

    @Override
    public void claim(String stream) {
        KafkaProducer<String, String> previous = writers.remove(stream);
        if (previous != null) {
            previous.close(Duration.ZERO);
        }
        Properties p = new Properties();
        p.putAll(producerProperties);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(topic, stream));
        KafkaProducer<String, String> producer = new KafkaProducer<>(p);
        try {
            producer.initTransactions();
        } catch (org.apache.kafka.common.KafkaException e) {
            producer.close(Duration.ZERO);
            throw new EngineUnavailableException("cannot claim stream " + stream + " of " + topic, e);
        }
        claimed.add(stream);
        writers.put(stream, producer);
    }

    /** The transactional id of a stream's writer: the same in every JVM, so that a new owner fences the old. */
    static String transactionalId(String topic, String stream) {
        return "statspipe-" + topic + "-" + stream;
    }

    @Override
    public void begin(FlushIntent intent) {
        write(new IntentState(intent, false));
    }

    @Override
    public void complete(FlushIntent intent) {
        IntentState current = newest.get(intent.origin().stream());
        if (current != null && !current.intent().equals(intent)) {
            throw new IllegalStateException("completing " + intent + " but the newest intent of "
                    + intent.origin().stream() + " is " + current.intent());
        }
        write(new IntentState(intent, true));
    }

    @Override
    public synchronized Optional<IntentState> latest(String stream) {
        catchUp();
        return Optional.ofNullable(newest.get(stream));
    }

    private void write(IntentState state) {
        String stream = state.intent().origin().stream();
        KafkaProducer<String, String> producer = writers.get(stream);
        if (producer == null) {
            if (!claimed.contains(stream)) {
                throw new IllegalStateException("stream " + stream + " of " + topic + " was never claimed by this owner");
            }
            throw new StreamTakenOverException("this owner let go of stream " + stream + " of " + topic
                    + " after an error and must claim it again (and read its newest intent) before writing it");
        }
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, stream, encode(state))).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            producer.commitTransaction();
            newest.put(stream, state);
        } catch (ExecutionException e) {
            throw failed(stream, producer, e.getCause() == null ? e : e.getCause());
        } catch (org.apache.kafka.common.KafkaException | TimeoutException e) {
            throw failed(stream, producer, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            letGo(stream, producer);
            throw new EngineUnavailableException("interrupted recording flush intent of " + stream, e);
        }
    }

    /**
     * What a failed write means: fenced, the stream belongs to another owner now; otherwise
     * Kafka could not be asked, and the write may be tried again once the transaction is aborted
     * (when it cannot be, this owner lets go of the stream).
     */
    private RuntimeException failed(String stream, KafkaProducer<String, String> producer, Throwable cause) {
        if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
            letGo(stream, producer);
            return new StreamTakenOverException("stream " + stream + " of " + topic
                    + " was claimed by another owner: this owner must not flush it any more", cause);
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            letGo(stream, producer);
        }
        return new EngineUnavailableException("cannot record flush intent of " + stream + " in " + topic, cause);
    }

    private void letGo(String stream, KafkaProducer<String, String> producer) {
        writers.remove(stream, producer);
        producer.close(Duration.ZERO);
    }

    /**
     * Reads the topic up to the end of its log as it is now, keeping the newest state per stream.
     * The end is the log's, undecided transactions included: the reading consumer (read
     * committed) stops at the last stable offset, in front of any transaction still open, so
     * reading only that far would miss intents committed after it, and resume a stream from a
     * stale one. Reading up to the log's end waits until each such transaction is decided: by
     * its owner, by the new owner's claim (which aborts it), or by the transaction timeout.
     */
    private void catchUp() {
        try {
            long end = logEnd.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new EngineUnavailableException("reading " + topic + " did not reach offset " + end + " within " + TIMEOUT
                            + " (a transaction of another owner still open?)");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.value() != null) {
                        newest.put(r.key(), decode(r.value()));
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new EngineUnavailableException("cannot read flush intents from " + topic, e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The version this code writes; readers refuse a newer one rather than guess its meaning. */
    static final int VERSION = 3;
    /** The version before gauge levels were recorded: its ranges began with every level at 0. */
    private static final int WITHOUT_LEVELS = 2;

    /** The record as stored: JSON, versioned, field names spelled out for an operator reading the topic. */
    record StoredIntent(int v, String state, String stream, long seq, long first, long last, long wm,
                        SortedMap<String, Long> producers, List<StoredLevel> levels, StoredCoarse coarse,
                        SortedMap<String, String> counting) {
    }

    record StoredCoarse(long first, long wm, SortedMap<String, Long> producers, List<StoredLevel> levels, boolean cut) {
    }

    /** One gauge series' level (Jackson writes a double so that it reads back bit for bit). */
    record StoredLevel(String metric, SortedMap<String, String> tags, double level) {
    }

    /** Sorted by series, for an operator reading the topic. */
    private static List<StoredLevel> stored(Map<Series, Double> levels) {
        List<StoredLevel> out = new ArrayList<>(levels.size());
        levels.forEach((series, level) -> out.add(new StoredLevel(series.metric(), series.tags().asMap(), level)));
        out.sort(Comparator.comparing(StoredLevel::metric).thenComparing(l -> l.tags().toString()));
        return out;
    }

    private static Map<Series, Double> levels(List<StoredLevel> stored, int version, String value) {
        if (version == WITHOUT_LEVELS) {
            return Map.of();
        }
        if (stored == null) {
            throw new IllegalStateException("unreadable flush intent record '" + value + "': a field is missing");
        }
        Map<Series, Double> levels = new HashMap<>();
        for (StoredLevel l : stored) {
            if (l == null || l.metric() == null || l.tags() == null) {
                throw new IllegalStateException("unreadable flush intent record '" + value + "': a gauge level lacks its series");
            }
            levels.put(new Series(l.metric(), new Tags(l.tags())), l.level());
        }
        return levels;
    }

    static String encode(IntentState state) {
        FlushIntent i = state.intent();
        FlushIntent.CoarseRange c = i.coarse();
        StoredIntent stored = new StoredIntent(VERSION, state.completed() ? "completed" : "begun", i.origin().stream(),
                i.origin().seq(), i.origin().firstOffset(), i.lastOffset(), i.watermarkAtStart(),
                new TreeMap<>(i.producersAtStart()), stored(i.levelsAtStart()),
                new StoredCoarse(c.firstOffset(), c.watermarkAtStart(), new TreeMap<>(c.producersAtStart()),
                        stored(c.levelsAtStart()), c.cut()),
                i.counting());
        try {
            return JSON.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode flush intent " + i, e);
        }
    }

    static IntentState decode(String value) {
        if (value.startsWith("v1 ")) {
            return decodeV1(value);
        }
        StoredIntent s;
        int version;
        try {
            JsonNode node = JSON.readTree(value);
            version = node.path("v").asInt(-1);
            if (version != VERSION && version != WITHOUT_LEVELS) {
                throw new IllegalStateException("flush intent record of version " + node.path("v")
                        + " cannot be read by this statspipe, which reads versions 1 to " + VERSION + ": '" + value + "'");
            }
            s = JSON.treeToValue(node, StoredIntent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable flush intent record '" + value + "': " + e.getOriginalMessage(), e);
        }
        if (s.coarse() == null || s.counting() == null || s.producers() == null || s.coarse().producers() == null
                || !(s.state().equals("begun") || s.state().equals("completed"))) {
            throw new IllegalStateException("unreadable flush intent record '" + value + "': a field is missing");
        }
        FlushIntent intent;
        try {
            intent = new FlushIntent(new Origin(s.stream(), s.seq(), s.first()), s.last(), s.wm(), s.producers(),
                    levels(s.levels(), version, value), new FlushIntent.CoarseRange(s.coarse().first(), s.coarse().wm(),
                    s.coarse().producers(), levels(s.coarse().levels(), version, value), s.coarse().cut()), s.counting());
        } catch (InvalidStatException e) {
            throw new IllegalStateException("unreadable flush intent record '" + value + "': " + e.getMessage(), e);
        }
        return new IntentState(intent, s.state().equals("completed"));
    }

    /**
     * Version 1, one line of text, written before coarser resolutions had their own cadence: its
     * range was its own coarse range, and it recorded no counting settings: a completed one is
     * read as such, a pending one is refused on resume (its settings are unknown).
     */
    private static IntentState decodeV1(String value) {
        String[] parts = value.split(" ", -1);
        if (parts.length != 8) {
            throw new IllegalStateException("unreadable flush intent record '" + value + "'");
        }
        Map<String, String> fields = new HashMap<>();
        for (int k = 2; k < parts.length; k++) {
            int eq = parts[k].indexOf('=');
            fields.put(parts[k].substring(0, eq), parts[k].substring(eq + 1));
        }
        Map<String, Long> producers = new HashMap<>();
        String list = fields.get("producers");
        if (!list.isEmpty()) {
            for (String entry : list.split(",")) {
                int colon = entry.lastIndexOf(':');
                producers.put(entry.substring(0, colon), Long.parseLong(entry.substring(colon + 1)));
            }
        }
        Origin origin = new Origin(fields.get("stream"), Long.parseLong(fields.get("seq")),
                Long.parseLong(fields.get("first")));
        long wm = Long.parseLong(fields.get("wm"));
        FlushIntent intent = new FlushIntent(origin, Long.parseLong(fields.get("last")), wm, producers,
                new FlushIntent.CoarseRange(origin.firstOffset(), wm, producers, true), new TreeMap<>());
        return new IntentState(intent, parts[1].equals("C"));
    }

    @Override
    public void close() {
        writers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
        writers.clear();
        consumer.close(Duration.ofSeconds(5));
        logEnd.close(Duration.ofSeconds(5));
    }
}
