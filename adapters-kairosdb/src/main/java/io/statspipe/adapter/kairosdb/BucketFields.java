package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.QuantileSketch;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields read back for one bucket of one result group, each already combined over the
 * bucket's partials: counts and bins summed, min and max taken, the latest "last" kept.
 */
final class BucketFields {
    private final Set<Field> present = EnumSet.noneOf(Field.class);
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double last;
    private long lastAt = Long.MIN_VALUE;
    private final Map<String, Long> bins = new TreeMap<>();

    void addCount(long n) {
        count = Math.addExact(count, n);
        present.add(Field.COUNT);
    }

    void addSum(double s) {
        sum += s;
        present.add(Field.SUM);
    }

    void addMin(double m) {
        min = Math.min(min, m);
        present.add(Field.MIN);
    }

    void addMax(double m) {
        max = Math.max(max, m);
        present.add(Field.MAX);
    }

    /** The same rule as {@link GaugeAggregate#merge}: the later sample wins, the larger value on a tie. */
    void offerLast(double value, long at) {
        if (!present.contains(Field.LAST) || at > lastAt || (at == lastAt && Double.compare(value, last) > 0)) {
            last = value;
            lastAt = at;
        }
        present.add(Field.LAST);
        present.add(Field.LAST_AT);
    }

    void addBin(String bin, long n) {
        bins.merge(bin, n, Math::addExact);
        present.add(Field.BINS);
    }

    /** The value of an aggregation, when the fields it needs were stored. */
    Optional<Double> value(Kind kind, Aggregation aggregation) {
        if (!present.containsAll(KairosMapping.fieldsToRead(kind, aggregation))) {
            return Optional.empty();
        }
        if (kind == Kind.COUNTER) {
            return Optional.of((double) count);
        }
        return Optional.of(switch (aggregation.type()) {
            case COUNT -> (double) count;
            case SUM -> sum;
            case MIN -> min;
            case MAX -> max;
            case AVG -> sum / count;
            case LAST -> last;
            case PERCENTILE -> PartialPoints.sketchFromBins(bins).quantile(aggregation.quantile());
        });
    }

    /** The whole aggregate of the bucket; fields a rule did not store read as NaN. */
    Optional<Aggregate> aggregate(Kind kind) {
        if (!present.contains(Field.COUNT) || count <= 0) {
            return Optional.empty();
        }
        return Optional.of(switch (kind) {
            case COUNTER -> new CounterAggregate(count);
            case GAUGE -> new GaugeAggregate(count, orNaN(Field.SUM, sum), orNaN(Field.MIN, min), orNaN(Field.MAX, max),
                    orNaN(Field.LAST, last), present.contains(Field.LAST) ? lastAt : Long.MIN_VALUE);
            case DISTRIBUTION -> new DistributionAggregate(count, orNaN(Field.SUM, sum), orNaN(Field.MIN, min),
                    orNaN(Field.MAX, max), present.contains(Field.BINS) ? PartialPoints.sketchFromBins(bins)
                    : QuantileSketch.empty());
        });
    }

    private double orNaN(Field field, double value) {
        return present.contains(field) ? value : Double.NaN;
    }
}
