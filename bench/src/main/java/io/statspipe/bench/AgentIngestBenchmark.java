package io.statspipe.bench;

import io.statspipe.adapter.ingest.StatsdLineParser;
import io.statspipe.adapter.ingest.StatsdUdpListener;
import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.domain.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Agent ingest rate beside its baseline, measured in the same run against the same local broker:
 * <ul>
 * <li>agent: StatsD datagrams parsed (one thread), spooled with group commit and forwarded to
 *     Kafka (idempotent, acks=all), timed until Kafka acknowledged every event;</li>
 * <li>baseline: the raw Kafka producer sending the same lines, one record per line, with the
 *     same producer guarantees (idempotent, acks=all), timed until the last acknowledgement.</li>
 * </ul>
 * Usage: {@code java -cp bench/target/benchmarks.jar io.statspipe.bench.AgentIngestBenchmark [lines] [rounds]}.
 */
public final class AgentIngestBenchmark {
    private static final int SERIES = 1000;
    private static final int DATAGRAM_BYTES = 1400;

    private AgentIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        measure(lines, rounds);
    }

    /** One round's rates: the agent's and the raw producer's, in lines per second. */
    public record Round(double agent, double raw) {
    }

    /** Runs the rounds (the first is a warm-up) and returns every round's rates, printing each. */
    public static List<Round> measure(int lines, int rounds) throws Exception {
        List<byte[]> datagrams = datagrams(lines);
        List<byte[]> lineBytes = lines(lines);
        System.out.printf("agent benchmark: %,d StatsD lines in %,d datagrams, %d series, %d cores%n", lines, datagrams.size(), SERIES,
                Runtime.getRuntime().availableProcessors());
        List<Round> results = new ArrayList<>();
        try (ScratchDir dir = ScratchDir.create("statspipe-bench");
             LocalKafkaBroker broker = new LocalKafkaBroker(dir.resolve("kafka")).start()) {
            List<TopicLayout[]> layouts = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) { // all topics first: no round pays for a new topic's leader election
                TopicLayout raw = new TopicLayout("bench.raw" + round, "bench.raw.deadletter" + round, 4, (short) 1);
                TopicLayout topics = new TopicLayout("bench.events" + round, "bench.deadletter" + round, 4, (short) 1);
                raw.ensureExists(broker.bootstrapServers());
                topics.ensureExists(broker.bootstrapServers());
                layouts.add(new TopicLayout[] {raw, topics});
            }
            for (int round = 1; round <= rounds; round++) {
                TopicLayout raw = layouts.get(round - 1)[0];
                TopicLayout topics = layouts.get(round - 1)[1];
                double baseline = rawProducer(broker.bootstrapServers(), raw.events(), lineBytes);
                double agent = agent(broker.bootstrapServers(), topics, dir.resolve("spool" + round), datagrams, lines);
                System.out.printf("round %d: agent %,.0f lines/s (parse -> spool -> Kafka acked) | raw producer %,.0f lines/s | ratio %.2f%s%n",
                        round, agent, baseline, agent / baseline, round == 1 ? "  (warm-up)" : "");
                results.add(new Round(agent, baseline));
            }
        }
        return results;
    }

    private static double agent(String bootstrap, TopicLayout topics, Path spool, List<byte[]> datagrams, int lines) throws Exception {
        AgentSettings settings = AgentSettings.of(bootstrap, topics, SpoolSettings.defaults(spool));
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings)) {
            long start = System.nanoTime();
            Spooler spooler = new Spooler(agent);
            StatsdLineParser parser = new StatsdLineParser();
            long now = System.currentTimeMillis();
            List<Event> pending = new ArrayList<>(StatsdUdpListener.CHUNK_EVENTS);
            for (byte[] datagram : datagrams) {
                parser.parse(datagram, 0, datagram.length, now, pending, (d, o, l, reason) -> {
                    throw new IllegalStateException(reason);
                });
                if (pending.size() >= StatsdUdpListener.CHUNK_EVENTS) {
                    spooler.put(pending);
                    pending = new ArrayList<>(StatsdUdpListener.CHUNK_EVENTS);
                }
            }
            spooler.put(pending);
            spooler.finish();
            while (agent.health().forwardedEvents() < lines) {
                Thread.sleep(1);
            }
            return lines / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double rawProducer(String bootstrap, String topic, List<byte[]> lines) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20), new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (byte[] line : lines) {
                producer.send(new ProducerRecord<>(topic, line));
            }
            producer.flush();
            return lines.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static String line(int i) {
        int series = i % SERIES;
        return switch (i % 4) {
            case 0 -> "bench.requests.s" + series + ":1|c|#host:h" + (series % 10) + ",route:/r" + (series % 50);
            case 1 -> "bench.latency.s" + series + ":" + (i % 500) + "." + (i % 10) + "|ms|#host:h" + (series % 10);
            case 2 -> "bench.queue.s" + series + ":" + (i % 100) + "|g";
            default -> "bench.sampled.s" + series + ":1|c|@0.1|#host:h" + (series % 10);
        };
    }

    private static List<byte[]> lines(int count) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(line(i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<byte[]> datagrams(int count) {
        List<byte[]> out = new ArrayList<>();
        StringBuilder datagram = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String line = line(i);
            if (datagram.length() + line.length() + 1 > DATAGRAM_BYTES) {
                out.add(datagram.toString().getBytes(StandardCharsets.UTF_8));
                datagram.setLength(0);
            }
            datagram.append(datagram.length() == 0 ? "" : "\n").append(line);
        }
        out.add(datagram.toString().getBytes(StandardCharsets.UTF_8));
        return out;
    }

}
