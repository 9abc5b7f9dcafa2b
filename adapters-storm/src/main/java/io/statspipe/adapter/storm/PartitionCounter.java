package io.statspipe.adapter.storm;

import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.GaugeLevels;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.ProducerSequences;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesLimits;
import io.statspipe.ports.out.DeadLetter;
import io.statspipe.ports.out.EventBatchFormat;
import io.statspipe.ports.out.FlushIntent;
import io.statspipe.ports.out.FlushIntentPort.IntentState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one Kafka partition exactly: decodes its records, drops duplicate batches, folds the
 * events into a {@link Rollup}, and cuts the open range of offsets into {@link PendingFlush}es.
 *
 * <p>The invariant that makes replays exact: the open range is exactly the records with offsets
 * in {@code [openFirst, highestSeen]} that were not counted before, and what a record
 * contributes depends only on its bytes, its Kafka timestamp and the state the range began
 * with (watermark and producer sequences, both recorded in the range's intent). No wall clock.
 * Records are counted without a gap: a record that arrives beyond the next offset expected
 * ({@code highestSeen + 1}) first has the offsets before it read from the log and counted, so
 * every offset up to {@code highestSeen} is counted, and a later copy of one is a duplicate indeed.
 *
 * <p>Coarser resolutions (a rule's hours beside its minutes) are not cut with every range: they
 * fold over the <em>coarse range</em> {@code [coarseFirst, highestSeen]}, several consecutive
 * ranges, and are cut only when the caller says so. Every intent records where the coarse range
 * began and the state there, so a recovery re-reads the coarse range to rebuild them.
 * Not thread-safe: one owner per partition.
 */
final class PartitionCounter {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionCounter.class);

    /** What an offered record is to this partition. */
    enum Admission {
        /** Counted now, into the open range. */
        NEW,
        /** Already counted into the open range or the flush in flight: hold it, ack it with its range. */
        HELD_DUPLICATE,
        /** Counted in a completed flush: ack it now. */
        ALREADY_COUNTED
    }

    private static final long NONE = -1;
    /** Series instances remembered with their rollup references before the map starts over. */
    private static final int MAX_REMEMBERED_INSTANCES = 250_000;
    /** A series of a batch not looked up in the rollup yet. */
    private static final int UNREGISTERED = Integer.MIN_VALUE;

    private final int partition;
    private final RuleSet rules;
    private final RollupSettings rollupSettings;
    private final SeriesLimits seriesLimits;
    private final EventBatchFormat format;
    private final long maxClockSkewMillis;
    private final int maxRecordBytes;

    /** The partition's log that fills gaps before a record; null until {@link #resume} binds the counter to it. */
    private RangeSource log;
    private Rollup rollup;
    /**
     * The rollup's references by series instance and kind. The format interns series across
     * batches, so most events find theirs by identity, without hashing tags; an instance not
     * seen before costs one {@link Rollup#register}. Valid only for the current {@link #rollup}.
     */
    private final IdentityHashMap<Series, int[]> refs = new IdentityHashMap<>();
    private final Counting counting = new Counting();
    private ProducerSequences producers;
    private Map<String, Long> producersAtStart;
    /** The gauge levels the open range began with (those not 0). */
    private Map<Series, Double> levelsAtStart;
    private long seq;
    private long countedThrough = NONE;
    private long highestSeen = NONE;
    private long openFirst = NONE;
    /** Where the coarse range began, and the state there; NONE while no coarse range is open. */
    private long coarseFirst = NONE;
    private long coarseWatermarkAtStart;
    private Map<String, Long> coarseProducersAtStart = Map.of();
    private Map<Series, Double> coarseLevelsAtStart = Map.of();
    private final SortedMap<String, String> countingSettings;
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private long duplicateBatches;
    /** Events of the open range refused as TOO_NEW, by producer: whose clock runs ahead of the broker's. */
    private final SortedMap<String, Long> tooNewByProducer = new TreeMap<>();
    /** Series the last whole window counted, by tenant. */
    private Map<String, Integer> lastWindowSeries = Map.of();

    PartitionCounter(int partition, RuleSet rules, RollupSettings rollupSettings, EventBatchFormat format,
                     long maxClockSkewMillis, int maxRecordBytes) {
        this(partition, rules, rollupSettings, SeriesLimits.NONE, format, maxClockSkewMillis, maxRecordBytes);
    }

    /** With {@code seriesLimits}: this partition's share of the series limits. */
    PartitionCounter(int partition, RuleSet rules, RollupSettings rollupSettings, SeriesLimits seriesLimits,
                     EventBatchFormat format, long maxClockSkewMillis, int maxRecordBytes) {
        this.partition = partition;
        this.rules = rules;
        this.rollupSettings = rollupSettings;
        this.seriesLimits = seriesLimits;
        this.format = format;
        this.maxClockSkewMillis = maxClockSkewMillis;
        this.maxRecordBytes = maxRecordBytes;
        this.rollup = new Rollup(rules, rollupSettings, seriesLimits, Long.MIN_VALUE);
        this.producers = new ProducerSequences();
        this.producersAtStart = producers.snapshot();
        this.levelsAtStart = rollup.levels().snapshot();
        this.countingSettings = countingSettings(rules, rollupSettings, seriesLimits, maxClockSkewMillis, maxRecordBytes);
    }

    /**
     * What decides what a record contributes, by name, recorded with every intent: a pending
     * flush must replay under exactly these.
     */
    static SortedMap<String, String> countingSettings(RuleSet rules, RollupSettings settings, SeriesLimits limits,
                                                      long maxClockSkewMillis, int maxRecordBytes) {
        SortedMap<String, String> c = new TreeMap<>();
        if (!limits.equals(SeriesLimits.NONE)) {
            c.put("series-limit-of-partition", limits.perTenant() + " per tenant, " + limits.overall() + " in all");
        }
        c.put("allowed-lateness", settings.allowedLateness().toString());
        c.put("horizon", settings.horizon().toString());
        c.put("max-clock-skew", maxClockSkewMillis + "ms");
        c.put("max-record-bytes", Integer.toString(maxRecordBytes));
        for (RollupRule r : rules.rules()) {
            c.put("rule." + r.name(), "metrics=" + r.metrics() + " where=" + new TreeMap<>(r.where())
                    + " keep=" + r.keep() + " resolutions=" + r.resolutions() + " emits="
                    + new TreeSet<>(r.emits()) + " output=" + r.output());
        }
        return c;
    }

    /**
     * Resumes the partition from its newest intent: re-reads the intent's coarse range from the
     * state it began with (the finest ranges before the intent's own are folded and dropped: they
     * were written), then the intent's own range, and returns the flush it reproduces; the caller
     * writes it if the intent did not complete, and then calls {@link #completed}. Afterwards the
     * coarser resolutions hold what they held when the intent was cut. Empty when the partition
     * never flushed: it then counts from the first record the log holds, unless the spout's group
     * committed offsets past it (records counted under intents that are gone: refused).
     * From now on the counter fills gaps from {@code log} (see {@link #offer}).
     *
     * @throws IllegalStateException when the log no longer holds the range as it was (retention),
     *                               a pending flush was cut under other counting settings, or the
     *                               partition has no intent but the spout committed offsets in it
     *                               ({@link IntentsGoneException})
     */
    Optional<PendingFlush> resume(Optional<IntentState> latest, RangeSource log) {
        if (latest.isEmpty()) {
            long first = log.firstOffset(partition);
            OptionalLong committed = log.committedOffset(partition);
            if (committed.isPresent() && committed.getAsLong() > first) {
                throw new IntentsGoneException("partition " + partition + " has no flush intent, but the spout's"
                        + " consumer group committed offset " + committed.getAsLong() + " (the log starts at " + first
                        + "): offsets " + first + " to " + (committed.getAsLong() - 1) + " were counted under flush"
                        + " intents that are gone (a new or emptied intents topic, or a consumer group taken over from"
                        + " another topology). Counting from " + first + " would count them again, so the partition"
                        + " waits: restore the intents topic, or, to count the whole log again on purpose, reset the"
                        + " spout's consumer group to the earliest offsets (kafka-consumer-groups --reset-offsets"
                        + " --to-earliest)");
            }
            countedThrough = first - 1;
            highestSeen = countedThrough;
            this.log = log;
            return Optional.empty();
        }
        FlushIntent intent = latest.get().intent();
        boolean pending = !latest.get().completed();
        if (pending && !intent.counting().equals(countingSettings)) {
            throw new IllegalStateException("partition " + partition + ": flush " + intent.origin().seq()
                    + " did not complete and was cut under other counting settings (" + changed(intent.counting())
                    + "); start with the settings it was cut with until it completes, then change them");
        }
        FlushIntent.CoarseRange coarse = intent.coarse();
        rollup = new Rollup(rules, rollupSettings, seriesLimits, coarse.watermarkAtStart(),
                new GaugeLevels(coarse.levelsAtStart()));
        refs.clear();
        producers = new ProducerSequences(coarse.producersAtStart());
        producersAtStart = producers.snapshot();
        levelsAtStart = rollup.levels().snapshot();
        seq = intent.origin().seq();
        countedThrough = coarse.firstOffset() - 1;
        highestSeen = countedThrough;
        openFirst = NONE;
        coarseFirst = NONE;
        long first = intent.origin().firstOffset();
        if (coarse.firstOffset() < first) {
            log.read(partition, coarse.firstOffset(), first - 1, this::take);
            if (highestSeen != first - 1) {
                throw new IllegalStateException("partition " + partition + " no longer holds offsets "
                        + coarse.firstOffset() + " to " + (first - 1) + " of the coarse range of " + intent);
            }
            // Those ranges were written already: keep what they folded into coarser buckets only.
            rollup.flush(Origin.ofPartition(partition, seq, coarse.firstOffset()), false);
            deadLetters.clear();
            duplicateBatches = 0;
            tooNewByProducer.clear();
            producersAtStart = producers.snapshot();
            levelsAtStart = rollup.levels().snapshot();
            openFirst = NONE;
        }
        if (intent.hasFinestRange()) {
            log.read(partition, first, intent.lastOffset(), this::take);
        }
        PendingFlush replayed = cut(coarse.cut()).orElseThrow(() -> new IllegalStateException("partition "
                + partition + " no longer holds the records of " + intent + ": cannot replay it"));
        FlushIntent again = replayed.intent();
        boolean same = pending ? again.equals(intent) : sameRange(again, intent);
        if (!same) {
            throw new IllegalStateException("replaying " + intent + " of partition " + partition + " gave "
                    + again + ": the log no longer holds the range as it was");
        }
        this.log = log;
        return Optional.of(replayed);
    }

    /** Equal but for the counting settings: a completed flush is re-read only to rebuild state. */
    private static boolean sameRange(FlushIntent a, FlushIntent b) {
        return a.origin().equals(b.origin()) && a.lastOffset() == b.lastOffset()
                && a.watermarkAtStart() == b.watermarkAtStart() && a.producersAtStart().equals(b.producersAtStart())
                && a.levelsAtStart().equals(b.levelsAtStart()) && a.coarse().equals(b.coarse());
    }

    private String changed(SortedMap<String, String> recorded) {
        SortedSet<String> keys = new TreeSet<>(recorded.keySet());
        keys.addAll(countingSettings.keySet());
        List<String> diff = new ArrayList<>();
        for (String k : keys) {
            if (!Objects.equals(recorded.get(k), countingSettings.get(k))) {
                diff.add(k + " was " + recorded.getOrDefault(k, "absent") + ", now "
                        + countingSettings.getOrDefault(k, "absent"));
            }
        }
        return String.join("; ", diff);
    }

    /**
     * Offers one record; counts it if it is new. A record beyond a gap (its offset above
     * {@code highestSeen + 1}: an earlier tuple failed, e.g. while the partition was resumed, and
     * the spout sends it again later) is counted only after the offsets of the gap, read from the
     * log: counted first, it would leave them below {@code highestSeen}, and their tuples would
     * pass for duplicates without ever being counted.
     *
     * @throws io.statspipe.ports.out.EngineUnavailableException when the gap cannot be read now;
     *         nothing of the record is counted (the caller fails its tuple, the spout sends it again)
     */
    Admission offer(long offset, long timestamp, byte[] value) {
        if (offset <= countedThrough) {
            return Admission.ALREADY_COUNTED;
        }
        if (offset <= highestSeen) {
            return Admission.HELD_DUPLICATE;
        }
        if (log != null && offset > highestSeen + 1) {
            long gapFirst = highestSeen + 1;
            LOG.info("partition {}: offset {} arrived before offsets {} to {}; reading those from the log first",
                    partition, offset, gapFirst, offset - 1);
            // Offsets the log does not hold in the gap are no records (e.g. transaction markers):
            // the spout never sends them either.
            log.read(partition, gapFirst, offset - 1, this::take);
        }
        take(offset, timestamp, value);
        return Admission.NEW;
    }

    /** Counts the next record of the partition, into the open range. */
    private void take(long offset, long timestamp, byte[] value) {
        if (offset <= highestSeen) {
            throw new IllegalStateException("partition " + partition + ": offset " + offset
                    + " handed over after offset " + highestSeen + "; records must come in offset order");
        }
        if (openFirst == NONE) {
            openFirst = offset;
            if (coarseFirst == NONE) {
                coarseFirst = offset;
                coarseWatermarkAtStart = rollup.watermark();
                coarseProducersAtStart = producersAtStart;
                coarseLevelsAtStart = levelsAtStart;
            }
        }
        highestSeen = offset;
        count(offset, timestamp, value);
    }

    /** Cuts the open range and the coarse range together; see {@link #cut(boolean)}. */
    Optional<PendingFlush> cut() {
        return cut(true);
    }

    /**
     * Cuts the open range into a flush of the next sequence number, with the coarser resolutions'
     * partials of the whole coarse range when {@code coarseToo} (or when no rule has a coarser
     * resolution). Empty when there is nothing to write: no open range, and no coarse range to cut.
     */
    Optional<PendingFlush> cut(boolean coarseToo) {
        boolean coarseCut = coarseToo || !rollup.hasCoarseResolutions();
        if (openFirst == NONE && !(coarseCut && coarseFirst != NONE)) {
            return Optional.empty();
        }
        long first = openFirst != NONE ? openFirst : highestSeen + 1;
        Origin origin = Origin.ofPartition(partition, seq, first);
        if (coarseCut) {
            lastWindowSeries = rollup.seriesByTenant();
        }
        var flush = rollup.flush(origin, coarseCut);
        if (coarseCut) {
            refs.clear(); // the window ended: the rollup's references are void
        }
        FlushIntent.CoarseRange coarse = new FlushIntent.CoarseRange(coarseFirst, coarseWatermarkAtStart,
                coarseProducersAtStart, coarseLevelsAtStart, coarseCut);
        FlushIntent intent = new FlushIntent(origin, highestSeen, flush.watermarkAtStart(), producersAtStart,
                levelsAtStart, coarse, countingSettings);
        PendingFlush pending = new PendingFlush(partition, intent, flush, deadLetters, duplicateBatches,
                tooNewByProducer);
        deadLetters.clear();
        duplicateBatches = 0;
        tooNewByProducer.clear();
        producersAtStart = producers.snapshot();
        levelsAtStart = rollup.levels().snapshot();
        openFirst = NONE;
        if (coarseCut) {
            coarseFirst = NONE;
        }
        seq++;
        return Optional.of(pending);
    }

    /** True when coarser resolutions hold folded records not yet cut. */
    boolean hasOpenCoarseRange() {
        return coarseFirst != NONE && rollup.hasCoarseResolutions();
    }

    /** Everything up to the flush's last offset is counted and stored. */
    void completed(PendingFlush flush) {
        countedThrough = Math.max(countedThrough, flush.intent().lastOffset());
    }

    boolean hasOpenRange() {
        return openFirst != NONE;
    }

    long countedThrough() {
        return countedThrough;
    }

    /** Active series by tenant: the larger of the last whole window's and the current window's so far. */
    Map<String, Integer> activeSeriesByTenant() {
        Map<String, Integer> active = new TreeMap<>(lastWindowSeries);
        rollup.seriesByTenant().forEach((tenant, n) -> active.merge(tenant, n, Math::max));
        return active;
    }

    private void count(long offset, long timestamp, byte[] value) {
        if (value == null || value.length > maxRecordBytes) {
            deadLetters.add(new DeadLetter(partition, offset, value == null ? "empty record (no value)"
                    : "oversized record: " + value.length + " bytes > limit of " + maxRecordBytes + " bytes", value));
            return;
        }
        counting.offset = offset;
        counting.brokerTime = timestamp;
        counting.value = value;
        counting.begun = false;
        try {
            format.decodeInto(value, counting);
        } catch (RuntimeException e) {
            if (counting.begun) {
                // A format checks the whole record before counting begins, so this is a defect, not bad
                // input: part of the record is counted already. Fail loudly (the bolt logs and reports it)
                // rather than dead-letter a record as if none of it had counted.
                throw e;
            }
            deadLetters.add(new DeadLetter(partition, offset, "undecodable record: " + e.getMessage(), value));
        }
    }

    /**
     * Counts the events of one record as the format hands them over: a batch's series are looked
     * up once per batch (by instance, then in the rollup), its events go straight into the
     * rollup by reference. Nothing is allocated per event.
     */
    private final class Counting implements EventBatchFormat.EventSink {
        long offset;
        /** The record's Kafka timestamp: the broker's append time (the events topic is LogAppendTime). */
        long brokerTime;
        byte[] value;
        boolean begun;
        private BatchId batch;
        private Series[] series = new Series[64];
        /** Per entry of the batch's table, the rollup references by kind ({@code -1}: not registered yet). */
        private int[][] refsOf = new int[64][];

        @Override
        public boolean begin(BatchId id, int seriesCount) {
            long highest = producers.highest(id.producer());
            ProducerSequences.Verdict verdict = producers.admit(id);
            if (verdict == ProducerSequences.Verdict.BEHIND) {
                // Dropped like any duplicate, so counts stay as they were; but no re-send reaches this far back.
                deadLetters.add(new DeadLetter(partition, offset, "sequence went backwards: batch " + id + " is "
                        + (highest - id.sequence()) + " below the highest sequence " + highest + " of producer '"
                        + id.producer() + "' in partition " + partition + ", where a re-sent batch is at most "
                        + (ProducerSequences.REPLAY_WINDOW - 1) + " below; dropped as a duplicate (its producer's spool"
                        + " may have lost its acknowledged position or been copied)", value));
            }
            if (verdict != ProducerSequences.Verdict.FIRST_TIME) {
                duplicateBatches++;
                return false;
            }
            begun = true;
            batch = id;
            rollup.refuseAfter(brokerTime > Long.MAX_VALUE - maxClockSkewMillis ? Long.MAX_VALUE
                    : brokerTime + maxClockSkewMillis);
            if (refs.size() > MAX_REMEMBERED_INSTANCES) {
                refs.clear();
            }
            if (series.length < seriesCount) {
                series = new Series[seriesCount];
                refsOf = new int[seriesCount][];
            }
            return true;
        }

        /** A series' references, one per kind (by ordinal), none registered yet. */
        private static int[] unregisteredOfEveryKind() {
            int[] byKind = new int[Kind.values().length];
            Arrays.fill(byKind, UNREGISTERED);
            return byKind;
        }

        @Override
        public void series(int index, Series s) {
            series[index] = s;
            refsOf[index] = refs.computeIfAbsent(s, k -> unregisteredOfEveryKind());
        }

        @Override
        public void event(int seriesIndex, long timestamp, Kind kind, double value, double sampleRate, boolean relative) {
            String refusal;
            try {
                int[] byKind = refsOf[seriesIndex];
                int ref = byKind[kind.ordinal()];
                if (ref == UNREGISTERED) {
                    ref = rollup.register(series[seriesIndex], kind);
                    byKind[kind.ordinal()] = ref;
                }
                Rollup.Outcome outcome = ref == Rollup.OVER_LIMIT ? rollup.refuseOverLimit()
                        : kind == Kind.COUNTER ? rollup.addCount(ref, timestamp, Event.increment(value, sampleRate))
                        : relative ? rollup.addGauge(ref, timestamp, value, true)
                        : rollup.addValue(ref, timestamp, value, kind == Kind.SET ? 1 : Event.weight(sampleRate));
                if (outcome == Rollup.Outcome.COUNTED || outcome == Rollup.Outcome.LATE) {
                    return;
                }
                Series s = series[seriesIndex];
                refusal = switch (outcome) {
                    case TOO_OLD -> "TOO_OLD: event at " + timestamp + " of " + s + " is older than the watermark "
                            + rollup.watermark() + " minus the horizon " + rollupSettings.horizon();
                    case TOO_NEW -> tooNew(timestamp, s);
                    case OUT_OF_RANGE -> "OUT_OF_RANGE: value " + value + " at sample rate " + sampleRate + " of " + s
                            + " is beyond what a bucket aggregates exactly (|value| <= 1e18, rate >= 0.000001)";
                    case OVERFLOW -> "OVERFLOW: counting " + value + " at sample rate " + sampleRate + " would take the"
                            + " count of a bucket of " + s + " past 2^63-1";
                    case SERIES_LIMIT -> "series limit: partition " + partition + " already counts "
                            + rollup.whyOverLimit(s) + " in this window; new series are counted again from the next"
                            + " window (the next cut of every resolution)";
                    case COUNTED, LATE -> throw new IllegalStateException("counted events are not refused");
                };
            } catch (IllegalArgumentException | ArithmeticException e) {
                refusal = e.getMessage();
            }
            Event refused = new Event(series[seriesIndex], timestamp, kind, value, sampleRate, relative);
            deadLetters.add(new DeadLetter(partition, offset, refusal, encodeAlone(batch, refused)));
        }
    }

    /**
     * The refusal of an event from a clock ahead of the broker's, naming whose clock it is; counted
     * per producer so that the health figures can say which agent to look at.
     */
    private String tooNew(long eventTime, Series s) {
        String producer = counting.batch.producer();
        tooNewByProducer.merge(producer, 1L, Long::sum);
        return "TOO_NEW: event at " + Instant.ofEpochMilli(eventTime) + " of " + s + " is "
                + span(eventTime - counting.brokerTime) + " ahead of the broker's time "
                + Instant.ofEpochMilli(counting.brokerTime) + " (its record's append time) from producer "
                + producer + "; allowed clock skew " + span(maxClockSkewMillis);
    }

    /** A span as people read a clock's error: {@code 7h0m}, {@code 5m}, {@code 1m30s}, {@code 42s}, {@code 250ms}. */
    static String span(long millis) {
        long h = millis / 3_600_000L;
        long m = millis / 60_000L % 60;
        long sec = millis / 1_000L % 60;
        if (h > 0) {
            return h + "h" + m + "m";
        }
        if (m > 0) {
            return sec > 0 ? m + "m" + sec + "s" : m + "m";
        }
        return sec > 0 ? sec + "s" : millis + "ms";
    }

    private byte[] encodeAlone(BatchId batch, Event event) {
        try {
            return format.encode(new EventBatch(batch, List.of(event)));
        } catch (RuntimeException e) {
            return event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
