package io.statspipe.adapter.storm;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import io.statspipe.adapter.storm.PartitionCounter.Admission;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.SeriesLimits;
import io.statspipe.ports.out.DeadLetterPort;
import io.statspipe.ports.out.EventBatchFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.storm.Config;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.TupleUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes, dedupes, rolls up and commits the partitions this task owns (the spout's tuples are
 * grouped by partition). A tuple is one Kafka record carrying a batch of events; it is acked
 * only when the flush whose range holds its offset is completed (see
 * {@code docs/design/exact-counting.md}). Nothing thrown here escapes: an escaped exception
 * would halt the worker.
 */
final class RollupBolt extends BaseRichBolt {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RollupBolt.class);
    private static final byte[] NO_BYTES = new byte[0];
    /**
     * How often a busy task looks for ranges due between ticks. Storm's tick comes once a second,
     * so a range due just after a tick would wait up to a second more to be cut (and every event in
     * it to become queryable); records arriving look again at most this often.
     */
    private static final long CUT_CHECK_NANOS = 100_000_000L;
    /** How long a partition refused for want of its flush intents waits before it is tried again. */
    private static final java.time.Duration INTENTS_RETRY = java.time.Duration.ofSeconds(10);

    private final TopologySettings settings;
    private final TopologyPlugs plugs;

    private transient OutputCollector collector;
    private transient RuleSet rules;
    private transient EventBatchFormat format;
    private transient KafkaFlushIntents intents;
    private transient KafkaRangeSource log;
    private transient DeadLetterPort deadLetters;
    private transient FlushCommitter committer;
    private transient PipelineHealth health;
    private transient Map<Integer, PartitionCounter> counters;
    /** Partitions refused for want of their flush intents: when to try resuming each again (nanos). */
    private transient Map<Integer, Long> retryIntentsAt;
    private transient Map<Integer, Range> open;
    private transient Map<Integer, Range> inFlight;
    /** Per partition, when its coarse range opened (nanoTime): coarser resolutions are cut on their own cadence. */
    private transient Map<Integer, Long> coarseOpenedAt;
    private transient int taskIndex;
    private transient int tasks;
    private transient boolean ownPartitionsResumed;
    private transient long nextCutCheck;

    /** The tuples of a range, to ack once it is committed; it is cut once {@code dueAt} has come (nanoTime). */
    private static final class Range {
        final long openedAt;
        final long dueAt;
        final List<Tuple> tuples = new ArrayList<>();
        PendingFlush flush;

        Range(long openedAt, long dueAt) {
            this.openedAt = openedAt;
            this.dueAt = dueAt;
        }
    }

    RollupBolt(TopologySettings settings, TopologyPlugs plugs) {
        this.settings = settings;
        this.plugs = plugs;
    }

    @Override
    public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
        this.collector = collector;
        this.rules = plugs.rules().get();
        this.format = plugs.format().get();
        this.health = PipelineHealth.of(settings.topologyName());
        this.intents = openIntents();
        this.log = new KafkaRangeSource(settings.bootstrapServers(), settings.eventsTopic(), settings.consumerGroup(),
                settings.kafkaClientProperties());
        this.deadLetters = plugs.deadLetters().open(settings.bootstrapServers(), settings.deadLetterTopic(),
                settings.kafkaClientProperties());
        this.committer = new FlushCommitter(intents, plugs.store().get(), plugs.durability().get(), deadLetters,
                health, CommitRetries.DEFAULT, "statspipe-commit-" + context.getThisTaskId());
        this.counters = new HashMap<>();
        this.retryIntentsAt = new HashMap<>();
        this.open = new HashMap<>();
        this.inFlight = new HashMap<>();
        this.coarseOpenedAt = new HashMap<>();
        this.taskIndex = context.getThisTaskIndex();
        this.tasks = context.getComponentTasks(context.getThisComponentId()).size();
        context.registerGauge("statspipe.lag", () -> health.snapshot().totalLag());
        context.registerGauge("statspipe.flushMillis", () -> health.snapshot().lastFlushMillis());
        context.registerGauge("statspipe.partialsWritten", () -> health.snapshot().partialsWritten());
        context.registerGauge("statspipe.eventsCounted", () -> health.snapshot().eventsCounted());
        context.registerGauge("statspipe.lateEvents", () -> health.snapshot().lateEvents());
        context.registerGauge("statspipe.deadLetters", () -> health.snapshot().deadLetters());
        context.registerGauge("statspipe.readBackRewrites", () -> health.snapshot().readBackRewrites());
        LOG.info("rollup task {} of topology {} ready: flush every {}, coarser resolutions every {}, allowed lateness {}",
                context.getThisTaskId(), settings.topologyName(), settings.flushInterval(),
                settings.coarseFlushInterval(), settings.allowedLateness());
    }

    @Override
    public void execute(Tuple tuple) {
        try {
            ackCompleted();
            if (TupleUtils.isTick(tuple)) {
                resumeOwnPartitions();
                cutDueRanges();
                return;
            }
            if (System.nanoTime() - nextCutCheck >= 0) {
                cutDueRanges();
            }
            int partition = tuple.getIntegerByField(StatsTopology.PARTITION);
            long offset = tuple.getLongByField(StatsTopology.OFFSET);
            PartitionCounter counter = counters.get(partition);
            if (counter == null) {
                Long retryAt = retryIntentsAt.get(partition);
                if (retryAt != null && System.nanoTime() - retryAt < 0) {
                    collector.fail(tuple); // its intents are gone (logged): asked again every few seconds, not per tuple
                    return;
                }
                counter = resume(partition, false);
            }
            Admission admission = counter.offer(offset, tuple.getLongByField(StatsTopology.TIMESTAMP),
                    tuple.getBinaryByField(StatsTopology.VALUE));
            switch (admission) {
                case ALREADY_COUNTED -> collector.ack(tuple);
                case NEW -> {
                    dropValue(tuple);
                    open.computeIfAbsent(partition, this::newRange).tuples.add(tuple);
                }
                case HELD_DUPLICATE -> {
                    dropValue(tuple);
                    Range flying = inFlight.get(partition);
                    Range holder = flying != null && offset <= flying.flush.intent().lastOffset() ? flying
                            : open.computeIfAbsent(partition, this::newRange);
                    holder.tuples.add(tuple);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("failed to take {}: {}; failing it so that it is redelivered", describe(tuple), e.toString(), e);
            collector.reportError(e);
            collector.fail(tuple);
        }
    }

    /**
     * Opens the intents topic, waiting for Kafka if it is not reachable yet: an exception out of
     * prepare would halt the worker (the whole JVM in local mode).
     */
    private KafkaFlushIntents openIntents() {
        String what = "open flush intents in " + settings.intentsTopic();
        try {
            return Failsafe.with(CommitRetries.DEFAULT.<KafkaFlushIntents>untilStopped(what, () -> false, () -> { }))
                    .get(() -> {
                        plugs.compactedTopics().ensure(settings.bootstrapServers(), settings.kafkaClientProperties(),
                                settings.intentsTopic(), KafkaFlushIntents.TOPIC_CONFIG);
                        return new KafkaFlushIntents(settings.bootstrapServers(), settings.intentsTopic(),
                                settings.kafkaClientProperties());
                    });
        } catch (FailsafeException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to " + what, e.getCause());
        }
    }

    /**
     * Resumes every partition this task owns, once, without waiting for its records: a partition
     * that went quiet may hold a coarse range whose records were all acked (so none comes back),
     * and only its owner can cut it. Retried on the next tick while Kafka cannot be asked.
     */
    private void resumeOwnPartitions() {
        if (ownPartitionsResumed) {
            return;
        }
        try {
            int partitions = log.partitionCount();
            List<Integer> own = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                if (PartitionGrouping.owns(taskIndex, tasks, p) && !counters.containsKey(p) && !inFlight.containsKey(p)) {
                    own.add(p);
                }
            }
            // All claims first: a claim aborts the transaction a killed owner left open on that
            // partition's intents, and reading any partition's newest intent waits for every
            // transaction open before it.
            own.forEach(p -> intents.claim("p" + p));
            for (int p : own) {
                try {
                    resume(p, true);
                } catch (IntentsGoneException e) {
                    LOG.error(e.getMessage()); // its records wait in Kafka; its tuples ask again
                }
            }
            ownPartitionsResumed = true;
        } catch (RuntimeException e) {
            LOG.warn("cannot resume the partitions of rollup task {} yet: {}; trying again in a second", taskIndex,
                    e.toString());
        }
    }

    /** First tuple of a partition in this task: recover it from its newest flush intent. */
    private PartitionCounter resume(int partition, boolean claimed) {
        health.firstRecord();
        SeriesLimits limits = settings.seriesLimits().equals(SeriesLimits.NONE) ? SeriesLimits.NONE
                : SeriesLimits.shareOf(settings.seriesLimits().perTenant(), settings.seriesLimits().overall(),
                        log.partitionCount());
        PartitionCounter counter = new PartitionCounter(partition, rules, settings.rollupSettings(), limits, format,
                settings.maxClockSkew().toMillis(), settings.maxRecordBytes());
        long started = System.nanoTime();
        if (!claimed) {
            intents.claim("p" + partition); // fences any earlier owner before its newest intent is read
        }
        var latest = intents.latest("p" + partition);
        Optional<PendingFlush> replayed;
        try {
            replayed = counter.resume(latest, log);
        } catch (IntentsGoneException e) {
            health.waitingForIntents(partition);
            retryIntentsAt.put(partition, System.nanoTime() + INTENTS_RETRY.toNanos());
            throw e;
        }
        if (retryIntentsAt.remove(partition) != null) {
            health.resumed(partition);
        }
        long reread = latest.map(l -> l.intent().lastOffset() - l.intent().coarse().firstOffset() + 1).orElse(0L);
        long rereadMillis = (System.nanoTime() - started) / 1_000_000;
        if (replayed.isPresent()) {
            PendingFlush flush = replayed.get();
            if (!latest.orElseThrow().completed()) {
                LOG.info("partition {}: flush {} did not complete before a stop; rewriting the same partials",
                        partition, flush.intent());
                if (!committer.commit(flush)) {
                    throw new IllegalStateException("stopped while recovering partition " + partition);
                }
                health.recovered();
            }
            counter.completed(flush);
        }
        if (counter.hasOpenCoarseRange()) {
            coarseOpenedAt.put(partition, System.nanoTime());
        }
        // "re-read" is the recovery's cost: at most a coarse flush interval of the partition's records
        LOG.info("partition {} taken over: counted through offset {}; re-read {} offsets in {} ms", partition,
                counter.countedThrough(), reread, rereadMillis);
        counters.put(partition, counter);
        return counter;
    }

    private Range newRange(int partition) {
        long now = System.nanoTime();
        return new Range(now, dueAt(partition, now, settings.flushInterval().toNanos()));
    }

    /**
     * When a range of the partition opened at {@code openedAt} is due: at the partition's next
     * phase of the flush interval after {@code openedAt}. Each partition has a phase of its own
     * (its number's place in the golden ratio's sequence, which spreads any number of partitions
     * over the interval), so partitions that start or wake up together do not all cut and commit
     * on the same tick: the store takes their flushes one after another instead of all at once,
     * and each waits less for the others'. Under steady traffic a range opens as the one before is
     * cut, so every range runs one whole interval; a range opened after a quiet spell runs to its
     * partition's phase, never longer than an interval (so no event waits longer for its cut than
     * under steady traffic; such a range may be short, which costs one small flush).
     */
    static long dueAt(int partition, long openedAt, long intervalNanos) {
        long phase = (long) (intervalNanos * ((partition * 0.6180339887498949) % 1.0));
        return phase + (Math.floorDiv(openedAt - phase, intervalNanos) + 1) * intervalNanos;
    }

    /**
     * Cuts every partition whose open range is due (at its partition's phase of the flush interval:
     * {@link #dueAt}). Coarser resolutions are cut with it once their coarse range is a coarse
     * flush interval old, and alone (an empty finest range) when the partition went quiet with a
     * coarse range still open.
     */
    private void cutDueRanges() {
        long coarseNanos = settings.coarseFlushInterval().toNanos();
        long now = System.nanoTime();
        nextCutCheck = now + CUT_CHECK_NANOS;
        for (Map.Entry<Integer, PartitionCounter> e : counters.entrySet()) {
            int partition = e.getKey();
            PartitionCounter counter = e.getValue();
            if (inFlight.containsKey(partition)) {
                continue;
            }
            Range range = open.get(partition);
            if (range != null && counter.hasOpenRange() && !coarseOpenedAt.containsKey(partition)) {
                coarseOpenedAt.put(partition, range.openedAt);
            }
            Long coarseSince = coarseOpenedAt.get(partition);
            boolean coarseDue = coarseSince != null && now - coarseSince >= coarseNanos;
            boolean finestDue = range != null && now - range.dueAt >= 0;
            if (!finestDue && !(coarseDue && counter.hasOpenCoarseRange())) {
                continue;
            }
            Optional<PendingFlush> cut = counter.cut(coarseDue);
            open.remove(partition);
            if (!counter.hasOpenCoarseRange()) {
                coarseOpenedAt.remove(partition);
            }
            Range flying = range != null ? range : new Range(now, now); // a coarse-only cut: no finest range was open
            if (cut.isEmpty()) {
                // Only duplicates of the completed past were held: nothing new to commit.
                flying.tuples.forEach(collector::ack);
                continue;
            }
            flying.flush = cut.get();
            inFlight.put(partition, flying);
            committer.submit(flying.flush);
        }
    }

    private void ackCompleted() {
        for (PendingFlush lost = committer.pollTakenOver(); lost != null; lost = committer.pollTakenOver()) {
            letGo(lost.partition());
        }
        for (PendingFlush done = committer.pollCompleted(); done != null; done = committer.pollCompleted()) {
            PartitionCounter counter = counters.get(done.partition());
            counter.completed(done);
            Range range = inFlight.remove(done.partition());
            if (range != null) {
                range.tuples.forEach(collector::ack);
            }
            try {
                health.activeSeries(done.partition(), counter.activeSeriesByTenant());
                health.lag(done.partition(), log.endOffset(done.partition()) - 1 - counter.countedThrough());
            } catch (RuntimeException e) {
                LOG.debug("cannot read the end offset of partition {}: {}", done.partition(), e.toString());
            }
        }
    }

    /**
     * Another task claimed the partition (this one stopped answering for a while, and the
     * partition moved): its counter here is stale, so the task forgets the partition and fails
     * its held tuples, to be redelivered to whoever owns it. A later tuple of the partition in
     * this task claims it again and resumes from its newest intent.
     */
    private void letGo(int partition) {
        counters.remove(partition);
        coarseOpenedAt.remove(partition);
        int failed = 0;
        for (Range range : new Range[] {inFlight.remove(partition), open.remove(partition)}) {
            if (range != null) {
                range.tuples.forEach(collector::fail);
                failed += range.tuples.size();
            }
        }
        health.letGo();
        LOG.warn("partition {} was claimed by another task: this task lets go of it and fails its {} held tuples",
                partition, failed);
    }

    /**
     * A counted tuple is held only to be acked once its flush completes (a flush interval and
     * more): its record's bytes are not needed again (a replay re-reads the range from Kafka), so
     * the tuple lets go of them instead of keeping every record of the interval on the heap.
     */
    private static void dropValue(Tuple tuple) {
        try {
            tuple.getValues().set(tuple.fieldIndex(StatsTopology.VALUE), NO_BYTES);
        } catch (UnsupportedOperationException e) {
            // values that cannot be replaced are kept until the ack
        }
    }

    private static String describe(Tuple tuple) {
        return TupleUtils.isTick(tuple) ? "a tick" : "tuple from " + tuple.getSourceComponent() + " " + tuple.getMessageId();
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        Map<String, Object> conf = new HashMap<>();
        conf.put(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, 1);
        return conf;
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        // Terminal: partials leave through the store port, refused input through the dead-letter topic.
    }

    @Override
    public void cleanup() {
        try {
            committer.close();
            intents.close();
            log.close();
            deadLetters.close();
        } catch (RuntimeException e) {
            LOG.warn("error while stopping the rollup task: {}", e.toString());
        }
    }
}
