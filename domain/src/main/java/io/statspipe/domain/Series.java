package io.statspipe.domain;

import java.util.regex.Pattern;

/**
 * What is measured: a metric name and its tags. Immutable; equal series have equal names and
 * equal tag sets.
 *
 * <p>A class rather than a record only to keep its hash in its own field, as {@link Tags} does:
 * every stage looks series up in hash maps, once per event on the agent's path, and a record's
 * hash reads the name's and the tags' objects too (three cache misses instead of one).
 */
public final class Series {
    private static final Pattern METRIC = Pattern.compile(Limits.METRIC_CHARACTERS);

    private final String metric;
    private final Tags tags;
    private final int hash;

    public Series(String metric, Tags tags) {
        if (metric == null || metric.isEmpty()) {
            throw new InvalidStatException("metric name must not be empty");
        }
        if (metric.length() > Limits.MAX_METRIC_LENGTH) {
            throw new InvalidStatException("metric name too long: " + metric.length() + " > "
                    + Limits.MAX_METRIC_LENGTH + " characters in '" + Tags.abbreviate(metric) + "'");
        }
        if (!METRIC.matcher(metric).matches()) {
            throw new InvalidStatException("metric name '" + Tags.abbreviate(metric)
                    + "' may hold only letters, digits and _ - . / (starting with a letter or digit)");
        }
        if (tags == null) {
            throw new InvalidStatException("tags must not be null (use Tags.none())");
        }
        this.metric = metric;
        this.tags = tags;
        this.hash = 31 * metric.hashCode() + tags.hashCode();
    }

    public String metric() {
        return metric;
    }

    public Tags tags() {
        return tags;
    }

    public static Series of(String metric, String... keysAndValues) {
        return new Series(metric, Tags.of(keysAndValues));
    }

    /** A different instance of the same series compares its hash before its name and tags. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Series s && hash == s.hash && metric.equals(s.metric) && tags.equals(s.tags);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** {@code metric{k1=v1,k2=v2}}. */
    @Override
    public String toString() {
        return metric + "{" + tags + "}";
    }
}
