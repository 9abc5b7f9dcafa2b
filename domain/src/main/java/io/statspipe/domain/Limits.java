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

    private Limits() {
    }
}
