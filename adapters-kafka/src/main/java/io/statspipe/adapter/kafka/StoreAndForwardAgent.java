package io.statspipe.adapter.kafka;

import io.statspipe.adapter.kafka.SubBatches.SubBatch;
import io.statspipe.adapter.kafka.spool.Spool;
import io.statspipe.adapter.kafka.spool.SpoolStats;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import io.statspipe.ports.out.PublishEventsPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store-and-forward agent (the role Suro played on every host): events are written to a
 * local spool first and forwarded to Kafka's events topic by a background forwarder, so no
 * stat is lost while the network or Kafka is away.
 *
 * <p>Every spooled batch gets the spool's producer id and the next spool sequence as its
 * {@link BatchId}, is split into one sub-batch per partition of the events topic (partition
 * = {@link SeriesPartitioner} of the series) and keeps that id in every partition.
 */
public final class StoreAndForwardAgent implements PublishEventsPort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAndForwardAgent.class);
    /** Most events in one spooled batch. */
    static final int MAX_BATCH_EVENTS = 5000;
    /** Roughly the most bytes of one spooled batch (well under the topics' record limit). */
    static final int MAX_BATCH_BYTES = 1 << 20;
    private static final int PARTITION_CACHE = 100_000;

    private final AgentSettings settings;
    private final Spool spool;
    private final DeadLetters deadLetters;
    private final KafkaForwarder forwarder;
    private final Thread forwarderThread;
    private final RecentKeys recentKeys;
    private final ProtobufEventBatchFormat format = new ProtobufEventBatchFormat();
    private final AtomicLong rejected = new AtomicLong();
    /**
     * What a chunk needs of a series, looked up by instance first: a Series hashes and compares its
     * whole tag map, and the parser hands over the same instance for the same series.
     */
    private final Map<Series, SeriesInfo> infoByInstance = new IdentityHashMap<>();
    private final Map<Series, SeriesInfo> infoBySeries = new HashMap<>();
    /** Stamps chunks, so that a series' table entry is counted once per chunk without a set per chunk. */
    private long chunks;

    /** A series' partition and the bytes of its entry in a batch's series table (an estimate). */
    private static final class SeriesInfo {
        final int partition;
        final int tableBytes;
        long lastChunk = -1;

        SeriesInfo(int partition, int tableBytes) {
            this.partition = partition;
            this.tableBytes = tableBytes;
        }
    }

    private StoreAndForwardAgent(AgentSettings settings) {
        this.settings = settings;
        this.spool = Spool.open(settings.spool());
        this.recentKeys = RecentKeys.recover(settings.idempotency(), spool);
        this.deadLetters = new DeadLetters(settings.bootstrapServers(), settings.topics().deadLetters(),
                settings.clientProperties());
        this.forwarder = new KafkaForwarder(spool, settings, deadLetters);
        this.forwarderThread = new Thread(forwarder, "kafka-forwarder");
        this.forwarderThread.setDaemon(true);
    }

    /** Opens (recovers) the spool and starts forwarding it. */
    public static StoreAndForwardAgent start(AgentSettings settings) {
        StoreAndForwardAgent agent = new StoreAndForwardAgent(settings);
        agent.forwarderThread.start();
        LOG.info("agent {} started: spool {}, Kafka {}, topic {} ({} partitions){}", agent.spool.producerId(),
                settings.spool().dir(), settings.bootstrapServers(), settings.topics().events(), settings.topics().partitions(),
                settings.clientProperties().isEmpty() ? ""
                        : ", Kafka client properties " + new TreeSet<>(settings.clientProperties().keySet()));
        return agent;
    }

    public String producerId() {
        return spool.producerId();
    }

    /**
     * Spools the events, all or nothing, and returns once they are on disk (fsync'd): from then on
     * they reach Kafka exactly once after de-duplication, whatever fails.
     *
     * @throws io.statspipe.adapter.kafka.spool.SpoolFullException when the spool is full (nothing was kept)
     */
    @Override
    public void publish(List<Event> events) {
        long last = append(events, Optional.empty());
        if (last >= 0) {
            spool.awaitDurable(last);
        }
    }

    /**
     * Spools the events of a request with an {@code Idempotency-Key} claimed in {@link #recentKeys()}
     * (released when this throws), its receipt in the same append, and returns once both are on disk.
     *
     * @throws io.statspipe.adapter.kafka.spool.SpoolFullException when the spool is full (nothing was kept)
     */
    public void publish(List<Event> events, RecentKeys.Receipt receipt) {
        try {
            spool.awaitDurable(append(events, Optional.of(receipt)));
            recentKeys.remember(receipt);
        } catch (RuntimeException e) {
            recentKeys.release(receipt.key());
            throw e;
        }
    }

    /** The requests' keys of the idempotency window. */
    public RecentKeys recentKeys() {
        return recentKeys;
    }

    /** Spools the events without waiting for the disk: the next group commit makes them durable (UDP ingest). */
    public void offer(List<Event> events) {
        append(events, Optional.empty());
    }

    /** Counts rejected input and sends it, as it came, to the dead-letter topic with its reason and origin. */
    public void reject(byte[] input, String reason, String origin) {
        rejected.incrementAndGet();
        deadLetters.publish(input, reason, origin);
    }

    /** Counts input rejected where the sender was told why (an HTTP 400), without a dead letter. */
    public void countRejected(long inputs) {
        rejected.addAndGet(inputs);
    }

    public AgentHealth health() {
        SpoolStats stats = spool.stats();
        Optional<Duration> oldest = stats.oldestUnsentMillis() < 0 ? Optional.empty()
                : Optional.of(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - stats.oldestUnsentMillis())));
        return new AgentHealth(forwarder.spooling(), stats.unsentEvents(), stats.unsentBatches(), stats.bytesOnDisk(), oldest,
                forwarder.forwardedEvents(), forwarder.forwardedBatches(), rejected.get() + forwarder.notForwarded(),
                stats.refusedEvents(), stats.truncatedBytes());
    }

    /** Dead letters written to Kafka so far (and failed), for health pages and tests. */
    public long deadLettersPublished() {
        return deadLetters.published();
    }

    /** Appends the events in chunks, as one spool group (all or nothing), the receipt in its last record. */
    private long append(List<Event> events, Optional<RecentKeys.Receipt> receipt) {
        List<Spool.Pending> chunks = new ArrayList<>();
        int from = 0;
        while (from < events.size() || chunks.isEmpty() && receipt.isPresent()) {
            int[] partitionOf = new int[Math.min(MAX_BATCH_EVENTS, events.size() - from)];
            int to = chunk(events, from, partitionOf);
            List<Event> chunk = events.subList(from, to);
            boolean last = to == events.size();
            chunks.add(new Spool.Pending(chunk.size(), sequence -> {
                Optional<byte[]> trailer = Optional.empty();
                if (last && receipt.isPresent()) {
                    recentKeys.spooling(receipt.get(), sequence);
                    trailer = Optional.of(receipt.get().encode());
                }
                return SubBatches.write(encode(sequence, chunk, partitionOf), trailer);
            }));
            from = to;
        }
        return chunks.isEmpty() ? -1 : spool.appendAll(chunks);
    }

    /**
     * Where the chunk starting at {@code from} ends (at most MAX_BATCH_EVENTS events and about
     * MAX_BATCH_BYTES), filling in each of its events' partitions.
     */
    private int chunk(List<Event> events, int from, int[] partitionOf) {
        synchronized (infoByInstance) {
            if (infoByInstance.size() > PARTITION_CACHE) {
                infoByInstance.clear();
                infoBySeries.clear();
            }
            long chunk = ++chunks;
            long bytes = 0;
            int i = from;
            while (i < events.size() && i - from < MAX_BATCH_EVENTS) {
                SeriesInfo info = infoOf(events.get(i).series());
                long cost = info.lastChunk == chunk ? 16 : 16 + info.tableBytes;
                if (bytes + cost > MAX_BATCH_BYTES && i > from) {
                    break;
                }
                info.lastChunk = chunk;
                bytes += cost;
                partitionOf[i - from] = info.partition;
                i++;
            }
            return i;
        }
    }

    private SeriesInfo infoOf(Series series) {
        SeriesInfo info = infoByInstance.get(series);
        if (info == null) {
            info = infoBySeries.computeIfAbsent(series, s -> {
                int bytes = 8 + s.metric().length();
                for (Map.Entry<String, String> tag : s.tags().asMap().entrySet()) {
                    bytes += 6 + tag.getKey().length() + tag.getValue().length();
                }
                return new SeriesInfo(SeriesPartitioner.partitionOf(s, settings.topics().partitions()), bytes);
            });
            infoByInstance.put(series, info);
        }
        return info;
    }

    private List<SubBatch> encode(long sequence, List<Event> chunk, int[] partitionOf) {
        BatchId id = new BatchId(spool.producerId(), sequence);
        List<List<Event>> byPartition = new ArrayList<>();
        for (int p = 0; p < settings.topics().partitions(); p++) {
            byPartition.add(null);
        }
        for (int i = 0; i < chunk.size(); i++) {
            List<Event> list = byPartition.get(partitionOf[i]);
            if (list == null) {
                list = new ArrayList<>();
                byPartition.set(partitionOf[i], list);
            }
            list.add(chunk.get(i));
        }
        List<SubBatch> subBatches = new ArrayList<>();
        for (int p = 0; p < byPartition.size(); p++) {
            if (byPartition.get(p) != null) {
                subBatches.add(new SubBatch(p, format.encode(id, byPartition.get(p))));
            }
        }
        return subBatches;
    }

    /** Stops forwarding and closes the spool; whatever Kafka has not acknowledged is forwarded after the next start. */
    @Override
    public void close() {
        forwarder.stop(forwarderThread);
        spool.close();
        deadLetters.close();
        LOG.info("agent {} stopped", spool.producerId());
    }
}
