package io.statspipe.domain;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bucket width and how long buckets of that width are kept.
 *
 * <p>Widths divide a UTC day exactly (1s, 10s, 1m, 5m, 1h, 1d ...), so buckets line up with the
 * legacy store's minute/hour/day fields and with calendar hours and days.
 */
public record Resolution(String name, long widthMillis, Duration retention) implements Comparable<Resolution> {
    private static final long DAY_MILLIS = 86_400_000L;
    private static final Pattern SPEC = Pattern.compile("(\\d+)([smhd])");

    /** One-minute buckets, kept 90 days. */
    public static final Resolution MINUTE = new Resolution("1m", 60_000L, Duration.ofDays(90));
    /** One-hour buckets, kept about 3 years. */
    public static final Resolution HOUR = new Resolution("1h", 3_600_000L, Duration.ofDays(3 * 366));

    public Resolution {
        if (name == null || !SPEC.matcher(name).matches()) {
            throw new InvalidStatException("resolution name '" + name + "' must look like 10s, 1m, 1h or 1d");
        }
        if (widthMillis < 1000 || DAY_MILLIS % widthMillis != 0) {
            throw new InvalidStatException("resolution width " + widthMillis
                    + " ms must be at least 1 s and divide a day exactly");
        }
        if (retention == null || retention.toMillis() < widthMillis) {
            throw new InvalidStatException("retention " + retention + " of resolution " + name
                    + " must be at least one bucket wide");
        }
    }

    /** Parses {@code 1m:90d} (width:retention); the retention defaults to 90 days. */
    public static Resolution parse(String spec) {
        String[] parts = spec.trim().split(":", -1);
        if (parts.length > 2) {
            throw new InvalidStatException("resolution '" + spec + "' must look like 1m or 1m:90d");
        }
        long width = millis(parts[0], spec);
        Duration retention = parts.length == 2 ? Duration.ofMillis(millis(parts[1], spec)) : Duration.ofDays(90);
        return new Resolution(parts[0], width, retention);
    }

    private static long millis(String amount, String spec) {
        Matcher m = SPEC.matcher(amount);
        if (!m.matches()) {
            throw new InvalidStatException("'" + amount + "' in resolution '" + spec
                    + "' must be a number followed by s, m, h or d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> n * 1000L;
            case "m" -> n * 60_000L;
            case "h" -> n * 3_600_000L;
            default -> n * DAY_MILLIS;
        };
    }

    /** The bucket of this resolution that holds {@code timestamp}. */
    public Bucket bucketOf(long timestamp) {
        return Bucket.of(timestamp, widthMillis);
    }

    @Override
    public int compareTo(Resolution other) {
        return Long.compare(widthMillis, other.widthMillis);
    }

    @Override
    public String toString() {
        return name;
    }
}
