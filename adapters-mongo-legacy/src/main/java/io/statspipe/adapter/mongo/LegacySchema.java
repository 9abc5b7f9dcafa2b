package io.statspipe.adapter.mongo;

import io.statspipe.domain.Bucket;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import java.time.LocalDate;

/**
 * The legacy {@code stats_daily} schema, as the old pipeline wrote it: one document per
 * (metric, tags, UTC day), {@code _id = "<metric>|<k1=v1,k2=v2 sorted>|<yyyy-MM-dd>"}, counts per
 * minute of the day in {@code m}, per hour in {@code h}, the day's count in {@code total}, and for
 * timings the day's {@code sum}, {@code min} and {@code max}. See docs/design/legacy-schema.md.
 */
public final class LegacySchema {
    public static final String COLLECTION = "stats_daily";
    public static final String ID = "_id";
    public static final String METRIC = "metric";
    public static final String TAGS = "tags";
    public static final String DAY = "day";
    public static final String MINUTES = "m";
    public static final String HOURS = "h";
    public static final String TOTAL = "total";
    public static final String SUM = "sum";
    public static final String MIN = "min";
    public static final String MAX = "max";
    /** statspipe's own bookkeeping: per input stream, the partials already applied (see {@link LegacyPartialWriter}). */
    public static final String APPLIED = "applied";

    public static final long DAY_MILLIS = 86_400_000L;
    public static final long MINUTE_MILLIS = 60_000L;
    public static final long HOUR_MILLIS = 3_600_000L;
    public static final int MINUTES_PER_DAY = 1440;
    public static final int HOURS_PER_DAY = 24;

    private LegacySchema() {
    }

    /** The document id of a series' day: the separators {@code | , =} cannot occur in names or tags (see Limits). */
    public static String documentId(Series series, LocalDate day) {
        return series.metric() + "|" + series.tags() + "|" + day;
    }

    /** The UTC day holding a timestamp. */
    public static LocalDate dayOf(long timestamp) {
        return LocalDate.ofEpochDay(Math.floorDiv(timestamp, DAY_MILLIS));
    }

    public static long startOf(LocalDate day) {
        return day.toEpochDay() * DAY_MILLIS;
    }

    /** Minute of the UTC day, 0..1439: the key in {@code m}. */
    public static int minuteOfDay(long timestamp) {
        return (int) (Math.floorMod(timestamp, DAY_MILLIS) / MINUTE_MILLIS);
    }

    /** Hour of the UTC day, 0..23: the key in {@code h}. */
    public static int hourOfDay(long timestamp) {
        return (int) (Math.floorMod(timestamp, DAY_MILLIS) / HOUR_MILLIS);
    }

    /** True for the kinds the legacy documents hold: counters and timings, never gauges or sets. */
    public static boolean holds(Kind kind) {
        return kind == Kind.COUNTER || kind == Kind.DISTRIBUTION;
    }

    /** True for resolutions whose buckets the legacy document holds directly: one minute ({@code m}) and one hour ({@code h}). */
    public static boolean holds(Resolution resolution) {
        return resolution.widthMillis() == MINUTE_MILLIS || resolution.widthMillis() == HOUR_MILLIS;
    }

    /** The dotted field a bucket of a held resolution is counted in: {@code m.601} or {@code h.10}. */
    public static String countField(Bucket bucket) {
        if (bucket.widthMillis() == MINUTE_MILLIS) {
            return MINUTES + "." + minuteOfDay(bucket.start());
        }
        if (bucket.widthMillis() == HOUR_MILLIS) {
            return HOURS + "." + hourOfDay(bucket.start());
        }
        throw new InvalidStatException("the legacy store holds only one-minute and one-hour buckets, not "
                + bucket.widthMillis() + " ms");
    }
}
