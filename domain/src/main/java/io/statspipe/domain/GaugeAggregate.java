package io.statspipe.domain;

/**
 * Gauge samples: how many, their sum, min and max, and the last one. "Last" is the sample with
 * the latest timestamp; between samples at the same millisecond the larger value wins, so that
 * merging stays commutative and a replay picks the same sample.
 */
public record GaugeAggregate(long count, double sum, double min, double max, double last, long lastAt)
        implements Aggregate {

    public GaugeAggregate {
        if (count <= 0) {
            throw new InvalidStatException("a gauge aggregate holds at least one sample, got " + count);
        }
        if (min > max) {
            throw new InvalidStatException("gauge min " + min + " is above max " + max);
        }
    }

    public static GaugeAggregate of(double value, long at) {
        return new GaugeAggregate(1, value, value, value, value, at);
    }

    @Override
    public Kind kind() {
        return Kind.GAUGE;
    }

    @Override
    public Aggregate merge(Aggregate other) {
        if (!(other instanceof GaugeAggregate g)) {
            throw Aggregate.kindMismatch(this, other);
        }
        boolean theirsIsLater = g.lastAt > lastAt || (g.lastAt == lastAt && Double.compare(g.last, last) > 0);
        return new GaugeAggregate(Aggregate.addCounts(count, g.count), sum + g.sum, Math.min(min, g.min),
                Math.max(max, g.max), theirsIsLater ? g.last : last, theirsIsLater ? g.lastAt : lastAt);
    }

    @Override
    public double value(Aggregation aggregation) {
        return switch (aggregation.type()) {
            case COUNT -> count;
            case SUM -> sum;
            case MIN -> min;
            case MAX -> max;
            case AVG -> sum / count;
            case LAST -> last;
            case PERCENTILE, UNIQUE -> throw Aggregate.notApplicable(kind(), aggregation);
        };
    }
}
