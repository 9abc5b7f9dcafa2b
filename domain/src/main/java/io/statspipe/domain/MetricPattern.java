package io.statspipe.domain;

import java.util.regex.Pattern;

/**
 * A glob over metric names: {@code *} matches any run of characters (dots included),
 * everything else matches itself. {@code api.*} matches {@code api.requests} and
 * {@code api.requests.errors}.
 */
public final class MetricPattern {
    private final String glob;
    private final Pattern regex;

    private MetricPattern(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new InvalidStatException("metric pattern must not be empty (use * for every metric)");
        }
        this.glob = glob;
        StringBuilder re = new StringBuilder();
        for (String literal : glob.split("\\*", -1)) {
            re.append(re.isEmpty() ? "" : ".*").append(Pattern.quote(literal));
        }
        this.regex = Pattern.compile(re.toString());
    }

    public static MetricPattern of(String glob) {
        return new MetricPattern(glob);
    }

    public static MetricPattern any() {
        return new MetricPattern("*");
    }

    public boolean matches(String metric) {
        return regex.matcher(metric).matches();
    }

    public String glob() {
        return glob;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricPattern p && glob.equals(p.glob);
    }

    @Override
    public int hashCode() {
        return glob.hashCode();
    }

    @Override
    public String toString() {
        return glob;
    }
}
