package io.statspipe.domain;

/**
 * One observation of a series at a millisecond timestamp (UTC epoch).
 *
 * <p>{@code sampleRate} is StatsD's {@code @rate}: the client sent one in {@code 1/rate} of its
 * observations. A counter event therefore stands for {@link #increment()} =
 * {@code round(value / rate)} counts, and a distribution sample for {@link #weight()} =
 * {@code round(1 / rate)} samples. Rounding happens once, here, so every later stage counts
 * integers and stays exact.
 *
 * <p>Values, rates and increments are bounded ({@link Limits#MAX_ABS_VALUE},
 * {@link Limits#MIN_SAMPLE_RATE}, {@link Limits#INCREMENT_BOUND}) so that no bucket's aggregate
 * can become infinite or lose its exactness, whatever a client sends.
 *
 * <p>A set event ({@code users.online:alice|s}) carries its member as the member's hash
 * ({@link UniqueSketch#memberHash}), a whole number below 2^53, in {@code value}.
 *
 * <p>A {@code relative} gauge event ({@code queue.depth:+5|g}) changes its series' level by
 * {@code value} instead of setting it; {@link GaugeLevels} says what the level is.
 */
public record Event(Series series, long timestamp, Kind kind, double value, double sampleRate, boolean relative) {

    public Event {
        check(series, timestamp, kind, value, sampleRate, relative);
    }

    /** An event that sets what it observes (not a relative gauge). */
    public Event(Series series, long timestamp, Kind kind, double value, double sampleRate) {
        this(series, timestamp, kind, value, sampleRate, false);
    }

    /**
     * The checks of an event, for readers that count events without building one (a decoder
     * handing events over field by field): they accept exactly what this constructor accepts.
     *
     * @throws InvalidStatException naming what is wrong
     */
    public static void check(Series series, long timestamp, Kind kind, double value, double sampleRate,
                             boolean relative) {
        check(series, timestamp, kind, value, sampleRate);
        if (relative && kind != Kind.GAUGE) {
            throw new InvalidStatException("only a gauge value can be relative (+N or -N), not a "
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + " value of " + series);
        }
    }

    /** {@link #check(Series, long, Kind, double, double, boolean)} of an event that is not relative. */
    public static void check(Series series, long timestamp, Kind kind, double value, double sampleRate) {
        if (series == null) {
            throw new InvalidStatException("event has no series");
        }
        if (kind == null) {
            throw new InvalidStatException("event of " + series + " has no kind");
        }
        if (timestamp < 0 || timestamp > Limits.MAX_TIMESTAMP) {
            throw new InvalidStatException("timestamp out of range: " + timestamp
                    + " ms is not between 1970-01-01 and 9999-12-31 for " + series);
        }
        if (!Double.isFinite(value)) {
            throw new InvalidStatException("value must be a finite number, got " + value + " for " + series);
        }
        if (kind == Kind.SET && !UniqueSketch.isMemberHash(value)) {
            throw new InvalidStatException("set member hash must be a whole number in [0, 2^53), got " + value
                    + " for " + series);
        }
        if (kind != Kind.COUNTER && !(Math.abs(value) <= Limits.MAX_ABS_VALUE)) {
            throw new InvalidStatException("value out of range: " + value + " is beyond +-1e18 for " + series);
        }
        if (!(sampleRate >= Limits.MIN_SAMPLE_RATE && sampleRate <= 1)) {
            throw new InvalidStatException("sample rate must be in [0.000001, 1], got " + sampleRate + " for " + series);
        }
        if (kind == Kind.COUNTER && !(Math.abs(value / sampleRate) < Limits.INCREMENT_BOUND)) {
            throw new InvalidStatException("counter increment too large: " + value + "/" + sampleRate
                    + " does not fit a long (2^63) for " + series);
        }
    }

    public static Event counter(Series series, long timestamp, long increment) {
        return new Event(series, timestamp, Kind.COUNTER, increment, 1.0);
    }

    public static Event gauge(Series series, long timestamp, double value) {
        return new Event(series, timestamp, Kind.GAUGE, value, 1.0);
    }

    /** A relative gauge event: changes the series' level by {@code delta}. */
    public static Event gaugeChange(Series series, long timestamp, double delta) {
        return new Event(series, timestamp, Kind.GAUGE, delta, 1.0, true);
    }

    public static Event distribution(Series series, long timestamp, double value) {
        return new Event(series, timestamp, Kind.DISTRIBUTION, value, 1.0);
    }

    /** A set event: {@code member} is one of the series' members in this observation. */
    public static Event set(Series series, long timestamp, String member) {
        return new Event(series, timestamp, Kind.SET, UniqueSketch.memberHash(member), 1.0);
    }

    /** The exact count a counter event adds. */
    public long increment() {
        return increment(value, sampleRate);
    }

    /** {@link #increment()} of a counter event with this value and sample rate. */
    public static long increment(double value, double sampleRate) {
        return sampleRate == 1.0 ? Math.round(value) : Math.round(value / sampleRate);
    }

    /** How many samples a distribution event stands for (1 unless sampled). */
    public long weight() {
        return weight(sampleRate);
    }

    /** {@link #weight()} of a distribution event with this sample rate. */
    public static long weight(double sampleRate) {
        return Math.max(1, Math.round(1 / sampleRate));
    }
}
