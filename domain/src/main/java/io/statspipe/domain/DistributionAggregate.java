package io.statspipe.domain;

/**
 * Distribution samples (timings, histograms): exact count, sum, min, max, and a quantile sketch.
 * Percentiles always come from the merged sketch, never from averaging percentiles.
 */
public record DistributionAggregate(long count, double sum, double min, double max, QuantileSketch sketch)
        implements Aggregate {

    public DistributionAggregate {
        if (count <= 0) {
            throw new InvalidStatException("a distribution aggregate holds at least one sample, got " + count);
        }
        if (min > max) {
            throw new InvalidStatException("distribution min " + min + " is above max " + max);
        }
        if (sketch == null || sketch.count() != count) {
            throw new InvalidStatException("distribution sketch must count the same " + count + " samples, got "
                    + (sketch == null ? "no sketch" : sketch.count()));
        }
    }

    public static DistributionAggregate of(double value) {
        return new DistributionAggregate(1, value, value, value, QuantileSketch.of(value));
    }

    @Override
    public Kind kind() {
        return Kind.DISTRIBUTION;
    }

    @Override
    public Aggregate merge(Aggregate other) {
        if (!(other instanceof DistributionAggregate d)) {
            throw Aggregate.kindMismatch(this, other);
        }
        return new DistributionAggregate(Aggregate.addCounts(count, d.count), sum + d.sum, Math.min(min, d.min),
                Math.max(max, d.max), sketch.merge(d.sketch));
    }

    @Override
    public double value(Aggregation aggregation) {
        return switch (aggregation.type()) {
            case COUNT -> count;
            case SUM -> sum;
            case MIN -> min;
            case MAX -> max;
            case AVG -> sum / count;
            case PERCENTILE -> sketch.quantile(aggregation.quantile());
            case LAST, UNIQUE -> throw Aggregate.notApplicable(kind(), aggregation);
        };
    }
}
