package io.statspipe.domain;

/**
 * The limits every series must respect. They are chosen so that any name or tag statsd users
 * commonly send fits, and so that every series maps cleanly onto KairosDB (which rejects empty
 * tag values) and onto the legacy MongoDB document id {@code metric|k=v,k=v|day} (which uses
 * {@code | , =} as separators, hence those characters are not allowed anywhere).
 *
 * <p>Documented for users in {@code docs/design/domain.md}.
 */
public final class Limits {
    /** Longest metric name, in characters. */
    public static final int MAX_METRIC_LENGTH = 200;
    /** Most tags on one series. */
    public static final int MAX_TAGS = 16;
    /** Longest tag key, in characters. */
    public static final int MAX_TAG_KEY_LENGTH = 64;
    /** Longest tag value, in characters. */
    public static final int MAX_TAG_VALUE_LENGTH = 200;
    /** Metric names: letters, digits and {@code _ - . /}, starting with a letter or digit. */
    public static final String METRIC_CHARACTERS = "[A-Za-z0-9][A-Za-z0-9_.\\-/]*";
    /**
     * Tag keys: a letter, then letters, digits and {@code _ - . /}. Keys starting with {@code _}
     * are reserved for statspipe's own bookkeeping tags in the stores.
     */
    public static final String TAG_KEY_CHARACTERS = "[A-Za-z][A-Za-z0-9_.\\-/]*";
    /** Tag values: letters, digits and {@code _ - . / : @ +}. */
    public static final String TAG_VALUE_CHARACTERS = "[A-Za-z0-9_.\\-/:@+]+";
    /** Latest accepted event timestamp: 9999-12-31T23:59:59.999Z. */
    public static final long MAX_TIMESTAMP = 253_402_300_799_999L;

    /*
     * The value range. Every aggregate must stay finite and exact whatever a client sends, and
     * the range is chosen so that this follows from the event checks alone: a bucket holds at
     * most 2^63-1 samples, so a sum of gauge or distribution values of at most 1e18 each (times
     * a weight of at most 1e6 per event) stays below 1e37, far from a double's 1.8e308; a
     * counter increment fits a long, and the rollup refuses the event that would take a
     * bucket's count past one. What ordinary StatsD, DogStatsD and Micrometer clients send
     * (|value| <= 1e15, sample rates down to 0.0001, counts that fit a long) is inside it.
     */

    /** Largest magnitude of a gauge or distribution value (a counter's is bounded by its increment). */
    public static final double MAX_ABS_VALUE = 1e18;
    /** Smallest sample rate: one event then stands for at most {@link #MAX_WEIGHT} samples. */
    public static final double MIN_SAMPLE_RATE = 1e-6;
    /** Most samples one distribution event stands for: {@code round(1 / MIN_SAMPLE_RATE)}. */
    public static final long MAX_WEIGHT = 1_000_000;
    /**
     * Bound (exclusive) of one counter event's increment, {@code value / rate}: 2^63, so that it
     * fits a long. Up to 2^53 every integer is exact in the double a value travels as; beyond,
     * a line's value is the nearest double to what it says, counted exactly from there on.
     */
    public static final double INCREMENT_BOUND = 0x1p63;

    private Limits() {
    }
}
