package io.statspipe.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pre-aggregation engine for one input stream (one Kafka partition). It folds events into
 * the aggregate of every (output series, kind, resolution, bucket) that a matching rule names,
 * and on {@link #flush} hands them all back as {@link Partial}s stamped with the flush's
 * {@link Origin}, then starts empty again.
 *
 * <p>Flushing everything, rather than only closed buckets, is what makes a range of input
 * offsets the unit of exactness: a flush's partials depend only on the events between two
 * flushes (and the watermark and {@link GaugeLevels} the range began with), so re-aggregating the
 * same range after a crash reproduces them bit for bit.
 *
 * <p>Hot path: {@link #register} interns a series once and returns a reference; {@link #addCount}
 * and {@link #addValue} then touch only arrays and the bucket's cell, allocating nothing for a
 * series and bucket already seen since the last flush. Not thread-safe: one owner per stream.
 */
public final class Rollup {

    /**
     * What happened to one event. COUNTED and LATE events are counted; the others are not:
     * TOO_OLD and TOO_NEW fall outside the time window, OUT_OF_RANGE carries a value or weight
     * beyond {@link Limits}, OVERFLOW would take a bucket's count past a long, SERIES_LIMIT is
     * of a new series beyond the {@link SeriesLimits} of the window.
     */
    public enum Outcome {
        COUNTED, LATE, TOO_OLD, TOO_NEW, OUT_OF_RANGE, OVERFLOW, SERIES_LIMIT;

        public boolean counted() {
            return this == COUNTED || this == LATE;
        }
    }

    private static final long NO_WATERMARK = Long.MIN_VALUE;
    /** What {@link #register} returns for a new series beyond the window's {@link SeriesLimits}. */
    public static final int OVER_LIMIT = -1;
    /**
     * While the magnitudes added since the last full flush sum to less than this, no cell's count
     * can overflow, so the adds skip the overflow check.
     */
    private static final long OVERFLOW_IMPOSSIBLE_BELOW = 1L << 62;

    private final RuleSet rules;
    private final SeriesLimits limits;
    private final long latenessMillis;
    private final long horizonMillis;
    private final long finestWidth;

    private final Map<Kind, Map<Series, Integer>> refs = new java.util.EnumMap<>(Kind.class);
    private int refCount;
    private Target[][] targetsOfRef = new Target[64][];
    private Kind[] kindOfRef = new Kind[64];
    /** The level holder of each gauge reference (null for other kinds). */
    private GaugeLevels.Level[] levelOfRef = new GaugeLevels.Level[64];
    private final GaugeLevels levels;
    /** Targets by output series; a series' targets of other kinds and resolutions are chained. */
    private final Map<Series, Target> targetsByOutput = new HashMap<>();
    /** What targets share: one per (rule, kind, resolution), not one per series. */
    private final Map<Spec, Spec> specs = new HashMap<>();
    private Target[] dirty = new Target[64];
    private int dirtyCount;
    /** Series registered in this window, by tenant; and in all (refCount). */
    private final Map<String, int[]> seriesByTenant = new HashMap<>();
    /** Ends of windows so far: references handed out before the current one are void. */
    private long windows;

    private long watermark;
    private long watermarkAtStart;
    private long futureLimit = Long.MAX_VALUE;
    private long events;
    private long lateEvents;
    private long refusedEvents;
    /** Sum of the magnitudes added since the last full flush, capped at OVERFLOW_IMPOSSIBLE_BELOW. */
    private long magnitudeSinceCut;

    public Rollup(RuleSet rules, RollupSettings settings) {
        this(rules, settings, SeriesLimits.NONE, NO_WATERMARK);
    }

    /** A rollup resuming a stream whose previous range ended at {@code watermark}. */
    public Rollup(RuleSet rules, RollupSettings settings, long watermark) {
        this(rules, settings, SeriesLimits.NONE, watermark);
    }

    /** A rollup admitting at most {@code limits} distinct series per window. */
    public Rollup(RuleSet rules, RollupSettings settings, SeriesLimits limits, long watermark) {
        this(rules, settings, limits, watermark, new GaugeLevels());
    }

    /** A rollup resuming a stream whose gauges stood at {@code levels} (which it goes on changing). */
    public Rollup(RuleSet rules, RollupSettings settings, SeriesLimits limits, long watermark, GaugeLevels levels) {
        this.levels = levels;
        this.rules = rules;
        this.limits = limits;
        this.latenessMillis = settings.allowedLateness().toMillis();
        this.horizonMillis = settings.horizon().toMillis();
        this.finestWidth = rules.finestResolution().widthMillis();
        this.watermark = watermark;
        this.watermarkAtStart = watermark;
    }

    /**
     * Interns a series of a kind and returns its reference for {@link #addCount}/{@link #addValue},
     * or {@link #OVER_LIMIT} when it is new and the window already holds as many series as its
     * tenant or the stream may count (see {@link #refuseOverLimit}). References stay valid until
     * the window ends ({@link #windows()} changes).
     *
     * @throws InvalidStatException when the series' name is reserved for a rule's output
     */
    public int register(Series series, Kind kind) {
        Map<Series, Integer> refsOfKind = refs.computeIfAbsent(kind, k -> new HashMap<>());
        Integer known = refsOfKind.get(series);
        if (known != null) {
            return known;
        }
        Optional<RollupRule> owner = rules.reservedBy(series.metric());
        if (owner.isPresent()) {
            throw new InvalidStatException("metric name '" + series.metric() + "' is reserved: rule '"
                    + owner.get().name() + "' writes it");
        }
        int[] ofTenant = seriesByTenant.computeIfAbsent(SeriesLimits.tenantOf(series), t -> new int[1]);
        if (ofTenant[0] >= limits.perTenant() || refCount >= limits.overall()) {
            return OVER_LIMIT;
        }
        ofTenant[0]++;
        List<RollupRule> matched = rules.matching(series);
        Target[] ids = new Target[matched.stream().mapToInt(r -> r.resolutions().size()).sum()];
        int n = 0;
        for (RollupRule rule : matched) {
            Series output = rule.outputSeries(series);
            for (Resolution resolution : rule.resolutions()) {
                ids[n++] = target(output, kind, resolution, rule);
            }
        }
        int ref = refCount++;
        if (ref == targetsOfRef.length) {
            targetsOfRef = Arrays.copyOf(targetsOfRef, ref * 2);
            kindOfRef = Arrays.copyOf(kindOfRef, ref * 2);
            levelOfRef = Arrays.copyOf(levelOfRef, ref * 2);
        }
        targetsOfRef[ref] = ids;
        kindOfRef[ref] = kind;
        levelOfRef[ref] = kind == Kind.GAUGE ? levels.holder(series) : null;
        refsOfKind.put(series, ref);
        return ref;
    }

    /** Counts a whole event, registering its series if needed. */
    public Outcome accept(Event event) {
        int ref = register(event.series(), event.kind());
        if (ref == OVER_LIMIT) {
            return refuseOverLimit();
        }
        return switch (event.kind()) {
            case COUNTER -> addCount(ref, event.timestamp(), event.increment());
            case GAUGE -> event.relative() ? addGauge(ref, event.timestamp(), event.value(), true)
                    : addValue(ref, event.timestamp(), event.value(), event.weight());
            case DISTRIBUTION -> addValue(ref, event.timestamp(), event.value(), event.weight());
            case SET -> addValue(ref, event.timestamp(), event.value(), 1);
        };
    }

    /** The levels of this stream's gauges, as the events counted so far left them. */
    public GaugeLevels levels() {
        return levels;
    }

    /**
     * Adds a counter increment to a registered counter series. An increment that would take a
     * bucket's count past a long is refused and changes nothing: the same records are refused
     * the same way on a replay.
     */
    public Outcome addCount(int ref, long timestamp, long increment) {
        requireLive(ref);
        if (kindOfRef[ref] != Kind.COUNTER) {
            throw new IllegalArgumentException("series " + ref + " is a " + kindOfRef[ref] + ", not a counter");
        }
        if (increment == Long.MIN_VALUE) { // no event makes it (see Event), and its magnitude is no long
            refusedEvents++;
            return Outcome.OUT_OF_RANGE;
        }
        Outcome outcome = admit(timestamp);
        if (!outcome.counted()) {
            return outcome;
        }
        Target[] targets = targetsOfRef[ref];
        if (mayOverflow(Math.abs(increment)) && anyOverflows(targets, timestamp, increment)) {
            refusedEvents++;
            return Outcome.OVERFLOW;
        }
        count(timestamp, outcome);
        for (Target t : targets) {
            // The common case, an event in the bucket this target last saw, touches only the target.
            if (!t.holds(timestamp)) {
                moveHead(t, timestamp);
            }
            t.headCount += increment;
        }
        return outcome;
    }

    /**
     * Adds a gauge sample, a distribution sample (standing for {@code weight} samples) or a set
     * member (its {@link UniqueSketch#memberHash} as the value, weight 1). A value
     * beyond {@link Limits#MAX_ABS_VALUE} (or not finite), a weight outside 1 to
     * {@link Limits#MAX_WEIGHT}, or one that would take a bucket's sample count past a long, is
     * refused and changes nothing.
     */
    public Outcome addValue(int ref, long timestamp, double value, long weight) {
        return addValue(ref, timestamp, value, weight, false);
    }

    /**
     * Adds a gauge sample: the level {@code value} sets, or, when {@code relative}, the level it
     * makes added to the series' current one (see {@link GaugeLevels}). The level changes only
     * when the sample is counted; one beyond {@link Limits#MAX_ABS_VALUE} is refused.
     */
    public Outcome addGauge(int ref, long timestamp, double value, boolean relative) {
        return addValue(ref, timestamp, value, 1, relative);
    }

    private Outcome addValue(int ref, long timestamp, double sample, long weight, boolean relative) {
        requireLive(ref);
        Kind kind = kindOfRef[ref];
        if (kind == Kind.COUNTER) {
            throw new IllegalArgumentException("series " + ref + " is a counter: use addCount");
        }
        if (relative && kind != Kind.GAUGE) {
            throw new IllegalArgumentException("series " + ref + " is a " + kind + ": only a gauge value is relative");
        }
        GaugeLevels.Level level = levelOfRef[ref];
        double value = kind == Kind.GAUGE ? GaugeLevels.next(level, sample, relative) : sample;
        if (!(Math.abs(value) <= Limits.MAX_ABS_VALUE) || weight < 1 || weight > Limits.MAX_WEIGHT) {
            refusedEvents++;
            return Outcome.OUT_OF_RANGE;
        }
        Outcome outcome = admit(timestamp);
        if (!outcome.counted()) {
            return outcome;
        }
        Target[] targets = targetsOfRef[ref];
        long samples = kind == Kind.DISTRIBUTION ? weight : 1;
        if (mayOverflow(samples) && anyOverflows(targets, timestamp, samples)) {
            refusedEvents++;
            return Outcome.OVERFLOW;
        }
        count(timestamp, outcome);
        if (level != null) {
            level.value = value;
        }
        // The sketch bin is the costly part (a logarithm): compute it once for every target.
        int bin = kind == Kind.DISTRIBUTION ? QuantileSketch.Builder.binFor(value) : 0;
        for (Target t : targets) {
            if (!t.holds(timestamp)) {
                moveHead(t, timestamp);
            }
            ValueCell cell = (ValueCell) t.head;
            switch (kind) {
                case GAUGE -> cell.addGauge(value, timestamp);
                case SET -> cell.addMember((long) value);
                default -> cell.addDistribution(value, bin, weight);
            }
        }
        return outcome;
    }

    private void requireLive(int ref) {
        if (ref < 0 || ref >= refCount) {
            throw new IllegalArgumentException("series reference " + ref + " is void: " + (ref == OVER_LIMIT
                    ? "the series is over its limit (refuseOverLimit)" : "its window ended; register the series again"));
        }
    }

    /** Refuses an event of a series {@link #register} returned {@link #OVER_LIMIT} for. */
    public Outcome refuseOverLimit() {
        refusedEvents++;
        return Outcome.SERIES_LIMIT;
    }

    /** Which limit refuses a new {@code series} now, for a refusal's reason. */
    public String whyOverLimit(Series series) {
        String tenant = SeriesLimits.tenantOf(series);
        int[] ofTenant = seriesByTenant.get(tenant);
        if (ofTenant != null && ofTenant[0] >= limits.perTenant()) {
            return ofTenant[0] + " series of tenant '" + tenant + "', its limit (" + series + " is refused)";
        }
        return refCount + " series in all, its limit (" + series + " is refused)";
    }

    /** The limits this rollup admits series by. */
    public SeriesLimits limits() {
        return limits;
    }

    /** Series registered in the current window, by tenant. */
    public Map<String, Integer> seriesByTenant() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        seriesByTenant.forEach((tenant, n) -> counts.put(tenant, n[0]));
        return counts;
    }

    /** How many windows have ended: when it changes, every reference {@link #register} gave is void. */
    public long windows() {
        return windows;
    }

    /** Adds to the running magnitude; true once a cell's count could be near a long's limit. */
    private boolean mayOverflow(long magnitude) {
        if (magnitudeSinceCut < OVERFLOW_IMPOSSIBLE_BELOW - magnitude) {
            magnitudeSinceCut += magnitude;
            return false;
        }
        magnitudeSinceCut = OVERFLOW_IMPOSSIBLE_BELOW;
        return true;
    }

    /** True when adding {@code amount} to the count of {@code timestamp}'s bucket of some target overflows. */
    private static boolean anyOverflows(Target[] targets, long timestamp, long amount) {
        for (Target t : targets) {
            long current = t.countAt(timestamp);
            long sum = current + amount;
            if (((current ^ sum) & (amount ^ sum)) < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sets the latest event time accepted from now on (the caller's clock plus the allowed clock
     * skew). Events beyond it are refused as TOO_NEW, so one client with a clock in the future
     * cannot push the watermark ahead of everyone else.
     */
    public void refuseAfter(long latestTimestamp) {
        this.futureLimit = latestTimestamp;
    }

    /** The latest event time counted so far, or {@link Long#MIN_VALUE} before the first event. */
    public long watermark() {
        return watermark;
    }

    /** True when nothing has been counted since the last flush. */
    public boolean isEmpty() {
        return events == 0 && refusedEvents == 0;
    }

    /** Number of (output series, bucket) cells held since the last flush. */
    public int openCells() {
        int cells = 0;
        for (int i = 0; i < dirtyCount; i++) {
            for (Cell c = dirty[i].head; c != null; c = c.next) {
                cells++;
            }
        }
        return cells;
    }

    /** Hands back every aggregate held since the last flush as partials of {@code origin}, and starts empty. */
    public Flush flush(Origin origin) {
        return flush(origin, true);
    }

    /**
     * Hands back the aggregates of each rule's finest resolution held since the last flush, and,
     * when {@code coarseToo}, those of its coarser resolutions held since the last flush that
     * included them; what is handed back starts empty, the rest stays open.
     *
     * <p>Coarser resolutions are cut less often because each cut writes a point per series: at a
     * 10 s flush interval, cutting hours with every flush doubles the database's writes for
     * buckets nobody reads at that freshness. Their cells are folded event by event across the
     * finest flushes in between, so re-folding the same records from the same state reproduces
     * them bit for bit (a sum of doubles folded in one order is not the merge of partial sums).
     */
    public Flush flush(Origin origin, boolean coarseToo) {
        List<Partial> partials = new ArrayList<>(dirtyCount * 2);
        int kept = 0;
        for (int i = 0; i < dirtyCount; i++) {
            Target t = dirty[i];
            Spec spec = t.spec;
            if (!spec.finestOfRule && !coarseToo) {
                dirty[kept++] = t;
                continue;
            }
            t.spillHead();
            for (Cell c = t.head; c != null; c = c.next) {
                PartialId id = new PartialId(t.output, spec.kind, spec.resolution, new Bucket(c.start, spec.width), origin);
                partials.add(new Partial(id, c.toAggregate(spec.kind), spec.rule.emits()));
            }
            t.reset();
        }
        Flush flush = new Flush(origin, partials, events, lateEvents, refusedEvents, watermarkAtStart, watermark);
        Arrays.fill(dirty, kept, dirtyCount, null);
        dirtyCount = kept;
        if (coarseToo) {
            endWindow(); // every resolution was cut: nothing is open
        }
        events = 0;
        lateEvents = 0;
        refusedEvents = 0;
        watermarkAtStart = watermark;
        return flush;
    }

    /** Whether an event at {@code timestamp} is inside the time window; counts a refusal, nothing else. */
    private Outcome admit(long timestamp) {
        if (timestamp > futureLimit) {
            refusedEvents++;
            return Outcome.TOO_NEW;
        }
        if (watermark != NO_WATERMARK) {
            if (timestamp < watermark - horizonMillis) {
                refusedEvents++;
                return Outcome.TOO_OLD;
            }
            // Cheap test first; the exact one (bucket end + lateness) only for old-looking events.
            if (timestamp < watermark - latenessMillis
                    && timestamp - Math.floorMod(timestamp, finestWidth) + finestWidth + latenessMillis <= watermark) {
                return Outcome.LATE;
            }
        }
        return Outcome.COUNTED;
    }

    /** Records an admitted event: the watermark and the flush's event counts. */
    private void count(long timestamp, Outcome outcome) {
        if (outcome == Outcome.LATE) {
            lateEvents++;
        }
        if (timestamp > watermark) {
            watermark = timestamp;
        }
        events++;
    }

    /**
     * Once every resolution is cut (a flush with {@code coarseToo}), nothing is open: the window
     * ends and the rollup forgets its series, so that its memory follows the series active in a
     * window, not every series ever seen, and the next window admits series afresh. Windows end
     * only there, where a resuming caller starts a new rollup too, so re-reading a window from
     * its start reproduces it.
     */
    private void endWindow() {
        windows++;
        refs.clear();
        targetsByOutput.clear();
        seriesByTenant.clear();
        Arrays.fill(targetsOfRef, 0, refCount, null);
        Arrays.fill(levelOfRef, 0, refCount, null);
        refCount = 0;
        magnitudeSinceCut = 0;
    }

    /** Makes the cell of {@code timestamp}'s bucket the target's head, creating it if needed. */
    private void moveHead(Target t, long timestamp) {
        if (t.head == null) {
            if (dirtyCount == dirty.length) {
                dirty = Arrays.copyOf(dirty, dirtyCount * 2);
            }
            dirty[dirtyCount++] = t;
        }
        t.spillHead();
        Spec spec = t.spec;
        long start = timestamp - Math.floorMod(timestamp, spec.width);
        Cell head = t.head;
        Cell found = null;
        for (Cell previous = null, c = head; c != null; previous = c, c = c.next) {
            if (c.start == start) {
                if (previous != null) {
                    previous.next = c.next;
                    c.next = head;
                }
                found = c;
                break;
            }
        }
        if (found == null) {
            found = spec.kind == Kind.COUNTER ? new Cell(start) : new ValueCell(start, spec.kind);
            found.next = head;
        }
        t.head = found;
        t.headStart = start;
        t.headCount = found.count;
    }

    private Target target(Series output, Kind kind, Resolution resolution, RollupRule rule) {
        Target first = targetsByOutput.get(output);
        for (Target t = first; t != null; t = t.sameOutput) {
            if (t.spec.kind == kind && t.spec.resolution.equals(resolution)) {
                return t;
            }
        }
        Spec spec = specs.computeIfAbsent(new Spec(rule, kind, resolution), s -> s);
        Target created = new Target(output, spec);
        created.sameOutput = first;
        targetsByOutput.put(output, created);
        return created;
    }

    /**
     * The rule, kind and resolution of a target, the bucket width they imply, and whether it is
     * the rule's finest resolution (written with every flush; the rule's others less often).
     */
    private record Spec(RollupRule rule, Kind kind, Resolution resolution, long width, boolean finestOfRule) {
        Spec(RollupRule rule, Kind kind, Resolution resolution) {
            this(rule, kind, resolution, resolution.widthMillis(), resolution.equals(rule.resolutions().get(0)));
        }
    }

    /** True when some rule writes a resolution coarser than its finest: those are cut on their own cadence. */
    public boolean hasCoarseResolutions() {
        return rules.rules().stream().anyMatch(r -> r.resolutions().size() > 1);
    }

    /**
     * One output series of one kind at one resolution, with its open buckets (a list, most
     * recently used first). A counter's head bucket counts in {@code headCount}, inside the
     * target, so the common event touches one object; it is spilled into the cell when the
     * head moves and before a flush.
     */
    private static final class Target {
        final Series output;
        final Spec spec;
        long headStart = Long.MAX_VALUE;
        long headCount;
        Cell head;
        /** The next target of the same output series (another kind or resolution). */
        Target sameOutput;

        Target(Series output, Spec spec) {
            this.output = output;
            this.spec = spec;
        }

        /** True when {@code timestamp} falls in the head bucket (never before the first event). */
        boolean holds(long timestamp) {
            long into = timestamp - headStart;
            return into >= 0 && into < spec.width;
        }

        /** The count so far of {@code timestamp}'s bucket (0 when it has no cell yet). */
        long countAt(long timestamp) {
            if (holds(timestamp)) {
                return spec.kind == Kind.COUNTER ? headCount : head.count;
            }
            long start = timestamp - Math.floorMod(timestamp, spec.width);
            for (Cell c = head; c != null; c = c.next) {
                if (c.start == start) {
                    return c.count; // not the head, whose count lives in headCount
                }
            }
            return 0;
        }

        void spillHead() {
            if (head != null && spec.kind == Kind.COUNTER) {
                head.count = headCount;
            }
        }

        void reset() {
            head = null;
            headStart = Long.MAX_VALUE;
            headCount = 0;
        }
    }

    /** The running count of one bucket of a counter, and the next open bucket of its target. */
    private static class Cell {
        final long start;
        long count;
        Cell next;

        Cell(long start) {
            this.start = start;
        }

        Aggregate toAggregate(Kind kind) {
            return new CounterAggregate(count);
        }
    }

    /** The running aggregate of one bucket of a gauge, a distribution or a set. */
    private static final class ValueCell extends Cell {
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double last;
        long lastAt = Long.MIN_VALUE;
        final QuantileSketch.Builder sketch;
        final UniqueSketch.Builder members;

        ValueCell(long start, Kind kind) {
            super(start);
            this.sketch = kind == Kind.DISTRIBUTION ? new QuantileSketch.Builder() : null;
            this.members = kind == Kind.SET ? new UniqueSketch.Builder() : null;
        }

        void addMember(long memberHash) {
            count++;
            members.add(memberHash);
        }

        void addGauge(double value, long at) {
            count++;
            sum += value;
            min = Math.min(min, value);
            max = Math.max(max, value);
            if (at > lastAt || (at == lastAt && Double.compare(value, last) > 0)) {
                last = value;
                lastAt = at;
            }
        }

        void addDistribution(double value, int bin, long weight) {
            count += weight;
            sum += value * weight;
            min = Math.min(min, value);
            max = Math.max(max, value);
            sketch.addBinned(value, bin, weight);
        }

        @Override
        Aggregate toAggregate(Kind kind) {
            return switch (kind) {
                case GAUGE -> new GaugeAggregate(count, sum, min, max, last, lastAt);
                case SET -> new SetAggregate(count, members.build());
                default -> new DistributionAggregate(count, sum, min, max, sketch.build());
            };
        }
    }
}
