package io.statspipe.domain;

/**
 * What a query asks of the aggregates in a bucket: count, sum, min, max, avg, last, a
 * percentile (with its quantile in [0, 1]), or the unique count of a set.
 */
public record Aggregation(Type type, double quantile) {
    public enum Type { COUNT, SUM, MIN, MAX, AVG, LAST, PERCENTILE, UNIQUE }

    public static final Aggregation COUNT = new Aggregation(Type.COUNT, 0);
    public static final Aggregation SUM = new Aggregation(Type.SUM, 0);
    public static final Aggregation MIN = new Aggregation(Type.MIN, 0);
    public static final Aggregation MAX = new Aggregation(Type.MAX, 0);
    public static final Aggregation AVG = new Aggregation(Type.AVG, 0);
    public static final Aggregation LAST = new Aggregation(Type.LAST, 0);
    public static final Aggregation UNIQUE = new Aggregation(Type.UNIQUE, 0);

    public Aggregation {
        if (type == null) {
            throw new InvalidStatException("aggregation type must be given");
        }
        if (type == Type.PERCENTILE ? !(quantile >= 0 && quantile <= 1) : quantile != 0) {
            throw new InvalidStatException("quantile " + quantile + " is only allowed, between 0 and 1, for percentiles");
        }
    }

    public static Aggregation percentile(double quantile) {
        return new Aggregation(Type.PERCENTILE, quantile);
    }

    /** Parses {@code count, sum, min, max, avg, last, unique, p50, p99, p99.9}. */
    public static Aggregation parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.matches("p\\d+(\\.\\d+)?")) {
            double p = Double.parseDouble(t.substring(1));
            if (p > 100) {
                throw new InvalidStatException("percentile '" + text + "' must be at most p100");
            }
            return percentile(p / 100);
        }
        return switch (t) {
            case "count" -> COUNT;
            case "sum" -> SUM;
            case "min" -> MIN;
            case "max" -> MAX;
            case "avg" -> AVG;
            case "last" -> LAST;
            case "unique" -> UNIQUE;
            default -> throw new InvalidStatException("unknown aggregation '" + text
                    + "': use count, sum, min, max, avg, last, unique or a percentile like p99");
        };
    }

    @Override
    public String toString() {
        return type == Type.PERCENTILE ? "p" + stripZeros(quantile * 100) : type.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String stripZeros(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
