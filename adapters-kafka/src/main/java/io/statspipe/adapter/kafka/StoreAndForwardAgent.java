package io.statspipe.adapter.kafka;

import io.statspipe.adapter.kafka.SubBatches.SubBatch;
import io.statspipe.adapter.kafka.spool.Spool;
import io.statspipe.adapter.kafka.spool.SpoolStats;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import io.statspipe.ports.out.EventSpoolPort;
import io.statspipe.ports.out.RequestClaim;
import io.statspipe.ports.out.RequestReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
public final class StoreAndForwardAgent implements EventSpoolPort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAndForwardAgent.class);
    /**
     * Most events in one spooled batch (before it is cut by partition): a listener's whole chunk
     * fits, so that each partition's batch names each series once for as many events as it can.
     */
    static final int MAX_BATCH_EVENTS = 20_000;
    /** Roughly the most bytes of one spooled batch (well under the topics' record limit). */
    static final int MAX_BATCH_BYTES = 1 << 20;
    private static final int SERIES_KEPT = 100_000;

    private final AgentSettings settings;
    private final Spool spool;
    private final KafkaDeadLetters deadLetters;
    private final KafkaForwarder forwarder;
    private final Thread forwarderThread;
    private final RecentKeys recentKeys;
    private final ProtobufEventBatchFormat format = new ProtobufEventBatchFormat();
    private final AtomicLong rejected = new AtomicLong();
    /**
     * What the agent keeps of each series it has seen (bounded: it starts over past
     * {@link #SERIES_KEPT} series). The parser hands over one instance per series, whose hash is
     * cached, so one lookup per event finds it.
     */
    private final Map<Series, SeriesEntry> entries = new HashMap<>();
    /** Stamps chunks, so that a series' table entry is counted once per chunk without a set per chunk. */
    private long chunks;
    /** Stamps encoded batches (under the spool's append lock), numbering each batch's series without a map per batch. */
    private long batches;

    /** A series' partition, its encoded entry in a batch's series table, and the stamps of the chunk and batch it was last in. */
    private static final class SeriesEntry {
        final int partition;
        final byte[] encoded;
        long lastChunk = -1;
        long lastBatch = -1;
        int indexInBatch;

        SeriesEntry(int partition, byte[] encoded) {
            this.partition = partition;
            this.encoded = encoded;
        }
    }

    private StoreAndForwardAgent(AgentSettings settings) {
        this.settings = settings;
        this.spool = Spool.open(settings.spool());
        this.recentKeys = RecentKeys.recover(settings.idempotency(), spool);
        this.deadLetters = new KafkaDeadLetters(settings.bootstrapServers(), settings.topics().deadLetters(),
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

    /** The port's receipt, spooled as the window's {@link RecentKeys.Receipt}. */
    @Override
    public void publish(List<Event> events, RequestReceipt receipt) {
        publish(events, new RecentKeys.Receipt(receipt.key(), receipt.bodyHash(), receipt.recordedAtMillis(), receipt.answer()));
    }

    @Override
    public RequestClaim claim(String key, byte[] bodyHash) {
        RecentKeys.Claim claim = recentKeys.claim(key, bodyHash);
        if (claim instanceof RecentKeys.Repeat repeat) {
            return new RequestClaim.Repeat(repeat.answer());
        }
        if (claim instanceof RecentKeys.OtherBody) {
            return new RequestClaim.OtherBody();
        }
        if (claim instanceof RecentKeys.InProgress) {
            return new RequestClaim.InProgress();
        }
        return new RequestClaim.Fresh();
    }

    @Override
    public void release(String key) {
        recentKeys.release(key);
    }

    /** The requests' keys of the idempotency window. */
    public RecentKeys recentKeys() {
        return recentKeys;
    }

    /** Spools the events without waiting for the disk: the next group commit makes them durable (UDP ingest). */
    @Override
    public void offer(List<Event> events) {
        append(events, Optional.empty());
    }

    /** Counts refused input and sends it, as it came, to the dead-letter topic with its reason and source. */
    @Override
    public void refuse(byte[] input, String reason, String source) {
        rejected.incrementAndGet();
        deadLetters.publish(input, reason, source);
    }

    /** Counts input refused where the sender was told why (an HTTP 400), without a dead letter. */
    @Override
    public void countRefused(long inputs) {
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
            SeriesEntry[] entryOf = new SeriesEntry[Math.min(MAX_BATCH_EVENTS, events.size() - from)];
            int to = chunk(events, from, entryOf);
            List<Event> chunk = events.subList(from, to);
            boolean last = to == events.size();
            chunks.add(new Spool.Pending(chunk.size(), sequence -> {
                Optional<byte[]> trailer = Optional.empty();
                if (last && receipt.isPresent()) {
                    recentKeys.spooling(receipt.get(), sequence);
                    trailer = Optional.of(receipt.get().encode());
                }
                return SubBatches.write(encode(sequence, chunk, entryOf), trailer);
            }));
            from = to;
        }
        return chunks.isEmpty() ? -1 : spool.appendAll(chunks);
    }

    /**
     * Where the chunk starting at {@code from} ends (at most MAX_BATCH_EVENTS events and about
     * MAX_BATCH_BYTES), filling in each of its events' series entries.
     */
    private int chunk(List<Event> events, int from, SeriesEntry[] entryOf) {
        synchronized (entries) {
            if (entries.size() > SERIES_KEPT) {
                entries.clear();
            }
            long chunk = ++chunks;
            long bytes = 0;
            int i = from;
            while (i < events.size() && i - from < MAX_BATCH_EVENTS) {
                SeriesEntry entry = entries.get(events.get(i).series());
                if (entry == null) {
                    Series series = events.get(i).series();
                    entry = new SeriesEntry(SeriesPartitioner.partitionOf(series, settings.topics().partitions()),
                            ProtobufEventBatchFormat.seriesEntry(series));
                    entries.put(series, entry);
                }
                long cost = entry.lastChunk == chunk ? 16 : 16 + entry.encoded.length;
                if (bytes + cost > MAX_BATCH_BYTES && i > from) {
                    break;
                }
                entry.lastChunk = chunk;
                bytes += cost;
                entryOf[i - from] = entry;
                i++;
            }
            return i;
        }
    }

    /** The chunk's sub-batches, one per partition it touches; runs under the spool's append lock. */
    private List<SubBatch> encode(long sequence, List<Event> chunk, SeriesEntry[] entryOf) {
        BatchId id = new BatchId(spool.producerId(), sequence);
        int partitions = settings.topics().partitions();
        // each partition's events counted first, so that every array is filled once at its size
        int[] eventsIn = new int[partitions];
        for (int i = 0; i < chunk.size(); i++) {
            eventsIn[entryOf[i].partition]++;
        }
        Event[][] events = new Event[partitions][];
        SeriesEntry[][] entries = new SeriesEntry[partitions][];
        for (int p = 0; p < partitions; p++) {
            events[p] = new Event[eventsIn[p]];
            entries[p] = new SeriesEntry[eventsIn[p]];
        }
        int[] filled = new int[partitions];
        for (int i = 0; i < chunk.size(); i++) {
            int p = entryOf[i].partition;
            events[p][filled[p]] = chunk.get(i);
            entries[p][filled[p]++] = entryOf[i];
        }
        List<SubBatch> subBatches = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (eventsIn[p] == 0) {
                continue;
            }
            long batch = ++batches;
            List<byte[]> table = new ArrayList<>(eventsIn[p]);
            int[] seriesOf = new int[eventsIn[p]];
            for (int i = 0; i < seriesOf.length; i++) {
                SeriesEntry entry = entries[p][i];
                if (entry.lastBatch != batch) {
                    entry.lastBatch = batch;
                    entry.indexInBatch = table.size();
                    table.add(entry.encoded);
                }
                seriesOf[i] = entry.indexInBatch;
            }
            subBatches.add(new SubBatch(p, format.encode(id, Arrays.asList(events[p]), seriesOf, table)));
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
