package io.statspipe.adapter.storm;

import io.statspipe.domain.Partial;
import io.statspipe.domain.Resolution;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's health figures for one topology, shared by its tasks in this JVM: consumer lag
 * per partition, flush latency, flushes and partials written (in all and per resolution), events
 * counted, late and dead-lettered events, duplicate batches dropped, failed store attempts,
 * partials the store refused, events refused as TOO_NEW by the producer whose clock ran ahead.
 * In local mode the app
 * reads {@link #snapshot()}; in a cluster the same figures are Storm metrics of each task.
 */
public final class PipelineHealth {
    private static final Map<String, PipelineHealth> BY_TOPOLOGY = new ConcurrentHashMap<>();
    /**
     * Producers named in {@link Snapshot#tooNewByProducer}: a few fast clocks are what an operator
     * hunts; a fleet of them counts under {@link #OTHER_PRODUCERS} rather than growing the map.
     */
    static final int MAX_PRODUCERS_NAMED = 100;
    static final String OTHER_PRODUCERS = "(other producers)";

    private final Map<Integer, Long> lag = new ConcurrentHashMap<>();
    private final Map<Integer, Map<String, Integer>> activeSeries = new ConcurrentHashMap<>();
    private final AtomicLong lastFlushMillis = new AtomicLong();
    private final AtomicLong maxFlushMillis = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong partials = new AtomicLong();
    private final Map<Resolution, Long> partialsByResolution = new ConcurrentHashMap<>();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong duplicateBatches = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();
    private final AtomicLong partialsRefused = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private final AtomicLong partitionsLetGo = new AtomicLong();
    private final AtomicLong readBackRewrites = new AtomicLong();
    private final AtomicLong firstRecordAtMillis = new AtomicLong();
    private final Map<String, Long> tooNewByProducer = new ConcurrentHashMap<>();
    private final Set<Integer> waitingForIntents = ConcurrentHashMap.newKeySet();

    /** The health of the topology of that name in this JVM (created on first use). */
    public static PipelineHealth of(String topologyName) {
        return BY_TOPOLOGY.computeIfAbsent(topologyName, n -> new PipelineHealth());
    }

    /** A copy of every figure. */
    public Snapshot snapshot() {
        return new Snapshot(new TreeMap<>(lag), lastFlushMillis.get(), maxFlushMillis.get(), flushes.get(),
                partials.get(), Map.copyOf(partialsByResolution), events.get(), late.get(), refused.get(),
                deadLettered.get(), duplicateBatches.get(), storeFailures.get(), partialsRefused.get(), recoveries.get(),
                firstRecordAtMillis.get(), activeSeriesByTenant(), new TreeMap<>(tooNewByProducer), partitionsLetGo.get(),
                readBackRewrites.get(), new TreeSet<>(waitingForIntents));
    }

    /**
     * The figures at one moment.
     *
     * @param lagByPartition      records of each partition not yet counted into a completed flush
     * @param partialsWrittenByResolution partials written per resolution; each partial of the finest resolution
     *                            is one (output series, finest bucket) pair a partition's flush touched
     * @param partialsRefused     partials the store refused and that went to the dead-letter topic instead
     * @param firstRecordAtMillis when a task of this topology took its first record (0: not yet)
     * @param activeSeriesByTenant distinct series counted per tenant in the current window (or the
     *                            last whole one, if larger), over every partition
     * @param tooNewByProducer    events refused as TOO_NEW (ahead of the broker's time by more than the
     *                            allowed clock skew), by producer: the agents whose clocks run fast
     * @param partitionsLetGo     times a task found its partition claimed by another task (its flush
     *                            refused) and let go of it, failing its held tuples for redelivery
     * @param readBackRewrites    times the read-back did not find a flush's points in the store in time
     *                            (the store acknowledged them, then lost them or was slow) and the
     *                            flush's partials were written again
     * @param partitionsWaitingForIntents partitions a task refuses to count because their flush intents
     *                            are gone while the spout's group committed offsets in them (counting
     *                            from the log's start would count those records twice)
     */
    public record Snapshot(Map<Integer, Long> lagByPartition, long lastFlushMillis, long maxFlushMillis,
                           long flushes, long partialsWritten, Map<Resolution, Long> partialsWrittenByResolution,
                           long eventsCounted, long lateEvents,
                           long refusedEvents, long deadLetters, long duplicateBatches, long storeFailures,
                           long partialsRefused, long recoveries, long firstRecordAtMillis,
                           Map<String, Long> activeSeriesByTenant, Map<String, Long> tooNewByProducer,
                           long partitionsLetGo, long readBackRewrites, Set<Integer> partitionsWaitingForIntents) {
        public Snapshot {
            partitionsWaitingForIntents = Set.copyOf(partitionsWaitingForIntents);
            tooNewByProducer = Map.copyOf(tooNewByProducer);
            activeSeriesByTenant = Map.copyOf(activeSeriesByTenant);
            lagByPartition = Map.copyOf(lagByPartition);
            partialsWrittenByResolution = Map.copyOf(partialsWrittenByResolution);
        }

        public long totalLag() {
            return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    void flushed(PendingFlush flush, int partialsRefusedByStore, long millis) {
        lastFlushMillis.set(millis);
        maxFlushMillis.accumulateAndGet(millis, Math::max);
        flushes.incrementAndGet();
        partials.addAndGet(flush.flush().partials().size() - partialsRefusedByStore);
        for (Partial p : flush.flush().partials()) {
            partialsByResolution.merge(p.id().resolution(), 1L, Long::sum);
        }
        events.addAndGet(flush.flush().events());
        late.addAndGet(flush.flush().lateEvents());
        refused.addAndGet(flush.flush().refusedEvents());
        deadLettered.addAndGet(flush.deadLetters().size());
        duplicateBatches.addAndGet(flush.duplicateBatches());
        flush.tooNewByProducer().forEach((producer, n) -> tooNewByProducer.merge(
                tooNewByProducer.containsKey(producer) || tooNewByProducer.size() < MAX_PRODUCERS_NAMED ? producer
                        : OTHER_PRODUCERS, n, Long::sum));
    }

    void lag(int partition, long records) {
        lag.put(partition, Math.max(0, records));
    }

    void activeSeries(int partition, Map<String, Integer> byTenant) {
        activeSeries.put(partition, Map.copyOf(byTenant));
    }

    private Map<String, Long> activeSeriesByTenant() {
        Map<String, Long> total = new TreeMap<>();
        activeSeries.values().forEach(m -> m.forEach((tenant, n) -> total.merge(tenant, (long) n, Long::sum)));
        return total;
    }

    void storeFailure() {
        storeFailures.incrementAndGet();
    }

    void partialRefused() {
        partialsRefused.incrementAndGet();
    }

    void firstRecord() {
        firstRecordAtMillis.compareAndSet(0, System.currentTimeMillis());
    }

    void recovered() {
        recoveries.incrementAndGet();
    }

    void letGo() {
        partitionsLetGo.incrementAndGet();
    }

    void readBackRewrite() {
        readBackRewrites.incrementAndGet();
    }

    void waitingForIntents(int partition) {
        waitingForIntents.add(partition);
    }

    /** The partition resumed (its intents restored, or its group's offsets reset): it waits no more. */
    void resumed(int partition) {
        waitingForIntents.remove(partition);
    }
}
