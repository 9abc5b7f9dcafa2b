package io.statspipe.adapter.storm;

import io.statspipe.domain.Origin;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.FlushIntent;
import io.statspipe.ports.out.FlushIntentPort;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Flush intents in a compacted Kafka topic ({@code stats.flush-intents}): one record per begin
 * and per complete, keyed by stream, so compaction keeps the newest per partition for ever.
 * Writes use {@code acks=all} and wait for the broker, so {@link #begin} and {@link #complete}
 * are durable when they return, whatever happens to the topology's JVM afterwards.
 *
 * <p>Value format, one line of text: {@code v1 B|C seq=N first=O last=O wm=MS producers=id:seq,...}.
 */
public final class KafkaFlushIntents implements FlushIntentPort, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final TopicPartition partition;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, IntentState> newest = new ConcurrentHashMap<>();

    public KafkaFlushIntents(String bootstrapServers, String topic) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        ensureTopic(bootstrapServers, topic);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(c);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
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
        try {
            producer.send(new ProducerRecord<>(topic, stream, encode(state))).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            newest.put(stream, state);
        } catch (ExecutionException | TimeoutException e) {
            throw new EngineUnavailableException("cannot record flush intent of " + stream + " in " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted recording flush intent of " + stream, e);
        }
    }

    /** Reads the topic up to its current end, keeping the newest state per stream. */
    private void catchUp() {
        try {
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new EngineUnavailableException("reading " + topic + " did not reach offset " + end + " within " + TIMEOUT);
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

    static String encode(IntentState state) {
        FlushIntent i = state.intent();
        String producers = new TreeMap<>(i.producersAtStart()).entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
        return "v1 " + (state.completed() ? "C" : "B") + " stream=" + i.origin().stream() + " seq=" + i.origin().seq()
                + " first=" + i.origin().firstOffset() + " last=" + i.lastOffset() + " wm=" + i.watermarkAtStart()
                + " producers=" + producers;
    }

    static IntentState decode(String value) {
        String[] parts = value.split(" ", -1);
        if (parts.length != 8 || !parts[0].equals("v1")) {
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
        FlushIntent intent = new FlushIntent(origin, Long.parseLong(fields.get("last")),
                Long.parseLong(fields.get("wm")), producers);
        return new IntentState(intent, parts[1].equals("C"));
    }

    private static void ensureTopic(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            int brokers = admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            NewTopic intents = new NewTopic(topic, 1, (short) Math.min(3, brokers)).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.SEGMENT_MS_CONFIG, "600000",
                    TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1"));
            admin.createTopics(List.of(intents)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new EngineUnavailableException("cannot create the flush intents topic " + topic, e);
            }
        } catch (TimeoutException e) {
            throw new EngineUnavailableException("cannot create the flush intents topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted creating " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
