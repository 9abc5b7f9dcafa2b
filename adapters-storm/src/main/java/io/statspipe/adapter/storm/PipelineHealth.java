package io.statspipe.adapter.storm;

import io.statspipe.domain.Partial;
import io.statspipe.domain.Resolution;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's health figures for one topology, shared by its tasks in this JVM: consumer lag
 * per partition, flush latency, flushes and partials written (in all and per resolution), events
 * counted, late and dead-lettered events, duplicate batches dropped, failed store attempts,
 * partials the store refused. In local mode the app
 * reads {@link #snapshot()}; in a cluster the same figures are Storm metrics of each task.
 */
public final class PipelineHealth {
    private static final Map<String, PipelineHealth> BY_TOPOLOGY = new ConcurrentHashMap<>();

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
    private final AtomicLong firstRecordAtMillis = new AtomicLong();

    /** The health of the topology of that name in this JVM (created on first use). */
    public static PipelineHealth of(String topologyName) {
        return BY_TOPOLOGY.computeIfAbsent(topologyName, n -> new PipelineHealth());
    }

    /** A copy of every figure. */
    public Snapshot snapshot() {
        return new Snapshot(new TreeMap<>(lag), lastFlushMillis.get(), maxFlushMillis.get(), flushes.get(),
                partials.get(), Map.copyOf(partialsByResolution), events.get(), late.get(), refused.get(),
                deadLettered.get(), duplicateBatches.get(), storeFailures.get(), partialsRefused.get(), recoveries.get(),
                firstRecordAtMillis.get(), activeSeriesByTenant());
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
     */
    public record Snapshot(Map<Integer, Long> lagByPartition, long lastFlushMillis, long maxFlushMillis,
                           long flushes, long partialsWritten, Map<Resolution, Long> partialsWrittenByResolution,
                           long eventsCounted, long lateEvents,
                           long refusedEvents, long deadLetters, long duplicateBatches, long storeFailures,
                           long partialsRefused, long recoveries, long firstRecordAtMillis,
                           Map<String, Long> activeSeriesByTenant) {
        public Snapshot {
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
}
