package io.statspipe.domain;

import java.util.regex.Pattern;

/**
 * What is measured: a metric name and its tags. Immutable; equal series have equal names and
 * equal tag sets.
 */
public record Series(String metric, Tags tags) {
    private static final Pattern METRIC = Pattern.compile(Limits.METRIC_CHARACTERS);

    public Series {
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
    }

    public static Series of(String metric, String... keysAndValues) {
        return new Series(metric, Tags.of(keysAndValues));
    }

    /**
     * Written out rather than left to the record: every stage looks series up in hash maps, and
     * the generated methods go through method handles that cost more than the fields' own
     * (cached) hashes. A different instance of the same series compares its hash before its tags.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Series s && tags.hashCode() == s.tags.hashCode() && metric.equals(s.metric)
                && tags.equals(s.tags);
    }

    @Override
    public int hashCode() {
        return 31 * metric.hashCode() + tags.hashCode();
    }

    /** {@code metric{k1=v1,k2=v2}}. */
    @Override
    public String toString() {
        return metric + "{" + tags + "}";
    }
}
