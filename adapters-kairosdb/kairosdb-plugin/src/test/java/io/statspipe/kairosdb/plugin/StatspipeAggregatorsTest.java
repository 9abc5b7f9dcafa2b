package io.statspipe.kairosdb.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.SetAggregate;
import io.statspipe.domain.UniqueSketch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kairosdb.core.DataPoint;
import org.kairosdb.core.aggregator.RangeAggregator;
import org.kairosdb.core.aggregator.Sampling;
import org.kairosdb.core.datapoints.DoubleDataPointFactoryImpl;
import org.kairosdb.core.datapoints.LongDataPoint;
import org.kairosdb.core.datapoints.LongDataPointFactoryImpl;
import org.kairosdb.core.datastore.AbstractDataPointGroup;
import org.kairosdb.core.datastore.DataPointGroup;
import org.kairosdb.core.datastore.TimeUnit;

/** The aggregators over one group of points, against what the domain computes from the same aggregates. */
class StatspipeAggregatorsTest {
    static final long MINUTE = 60_000;
    static final long T0 = 1_717_000_020_000L - 1_717_000_020_000L % MINUTE;

    static final class ListGroup extends AbstractDataPointGroup {
        private final Iterator<DataPoint> points;

        ListGroup(List<DataPoint> points) {
            super("m");
            this.points = points.iterator();
        }

        @Override
        public boolean hasNext() {
            return points.hasNext();
        }

        @Override
        public DataPoint next() {
            return points.next();
        }

        @Override
        public void close() {
        }
    }

    static <A extends RangeAggregator> List<DataPoint> run(A aggregator, List<DataPoint> points) {
        aggregator.setSampling(new Sampling(1, TimeUnit.MINUTES));
        aggregator.setAlignStartTime(true);
        aggregator.setStartTime(T0);
        aggregator.init();
        DataPointGroup out = aggregator.aggregate(new ListGroup(points));
        List<DataPoint> result = new ArrayList<>();
        out.forEachRemaining(result::add);
        return result;
    }

    static StatisticAggregator statistic(String name) {
        LongDataPointFactoryImpl longs = new LongDataPointFactoryImpl();
        DoubleDataPointFactoryImpl doubles = new DoubleDataPointFactoryImpl();
        return switch (name) {
            case "count" -> new StatspipeCountAggregator(longs, doubles);
            case "sum" -> new StatspipeSumAggregator(longs, doubles);
            case "avg" -> new StatspipeAvgAggregator(longs, doubles);
            case "min" -> new StatspipeMinAggregator(longs, doubles);
            case "max" -> new StatspipeMaxAggregator(longs, doubles);
            case "last" -> new StatspipeLastAggregator(longs, doubles);
            case "unique" -> new StatspipeUniqueAggregator(longs, doubles);
            default -> {
                StatspipePercentileAggregator p = new StatspipePercentileAggregator(longs, doubles);
                p.setPercentile(Aggregation.parse(name).quantile());
                yield p;
            }
        };
    }

    /** Two minutes of partials, several per minute. */
    static List<List<Aggregate>> minutes(boolean gauges) {
        Random random = new Random(gauges ? 1 : 2);
        List<List<Aggregate>> minutes = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            List<Aggregate> partials = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                Aggregate a = null;
                for (int s = 0; s < 50; s++) {
                    double v = random.nextGaussian() * 100;
                    Aggregate one = gauges ? GaugeAggregate.of(v, T0 + m * MINUTE + random.nextInt(3))
                            : DistributionAggregate.of(v);
                    a = a == null ? one : a.merge(one);
                }
                partials.add(a);
            }
            minutes.add(partials);
        }
        return minutes;
    }

    static List<DataPoint> points(List<List<Aggregate>> minutes) {
        List<DataPoint> points = new ArrayList<>();
        for (int m = 0; m < minutes.size(); m++) {
            List<Aggregate> partials = minutes.get(m);
            for (int p = 0; p < partials.size(); p++) {
                points.add(new AggregateDataPoint(T0 + m * MINUTE + 1000 * p + 7, partials.get(p)));
            }
        }
        return points;
    }

    static Aggregate merged(List<Aggregate> partials) {
        return partials.stream().reduce(Aggregate::merge).orElseThrow();
    }

    @Test
    void mergeGivesOnePointPerRangeEqualToTheDomainsMerge() {
        for (boolean gauges : List.of(true, false)) {
            List<List<Aggregate>> minutes = minutes(gauges);
            List<DataPoint> result = run(new StatspipeMergeAggregator(), points(minutes));
            assertThat(result).hasSize(2);
            for (int m = 0; m < 2; m++) {
                assertThat(result.get(m).getTimestamp()).isEqualTo(T0 + m * MINUTE);
                assertThat(((AggregateDataPoint) result.get(m)).aggregate()).isEqualTo(merged(minutes.get(m)));
            }
        }
    }

    @Test
    void everyStatisticEqualsTheDomainsValueOfTheMergedAggregate() {
        for (boolean gauges : List.of(true, false)) {
            List<List<Aggregate>> minutes = minutes(gauges);
            List<String> names = gauges ? List.of("count", "sum", "avg", "min", "max", "last")
                    : List.of("count", "sum", "avg", "min", "max", "p50", "p99", "p99.9", "p100");
            for (String name : names) {
                List<DataPoint> result = run(statistic(name), points(minutes));
                assertThat(result).hasSize(2);
                for (int m = 0; m < 2; m++) {
                    Aggregate expected = merged(minutes.get(m));
                    DataPoint point = result.get(m);
                    assertThat(point.getTimestamp()).isEqualTo(T0 + m * MINUTE);
                    if (name.equals("count")) {
                        assertThat(point).isInstanceOf(LongDataPoint.class);
                        assertThat(point.getLongValue()).isEqualTo(expected.count());
                    } else {
                        assertThat(point.getDoubleValue()).as(name)
                                .isEqualTo(expected.value(Aggregation.parse(name)));
                    }
                }
            }
        }
    }

    @Test
    void uniqueIsTheUnionOfEachRangesSketchesNotTheSumOfTheirCounts() {
        // two minutes, four partials each; partials of one minute share half their members
        List<List<Aggregate>> minutes = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            List<Aggregate> partials = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                Aggregate a = null;
                for (int u = p * 50; u < p * 50 + 100 + m; u++) {
                    Aggregate one = SetAggregate.of(UniqueSketch.memberHash("user-" + u));
                    a = a == null ? one : a.merge(one);
                }
                partials.add(a);
            }
            minutes.add(partials);
        }

        List<DataPoint> unique = run(statistic("unique"), points(minutes));
        List<DataPoint> merged = run(new StatspipeMergeAggregator(), points(minutes));

        assertThat(unique).hasSize(2);
        assertThat(unique.get(0)).isInstanceOf(LongDataPoint.class);
        assertThat(unique.get(0).getLongValue()).isEqualTo(250);
        assertThat(unique.get(1).getLongValue()).isEqualTo(251);
        assertThat(((AggregateDataPoint) merged.get(1)).aggregate()).isEqualTo(merged(minutes.get(1)));
    }

    @Test
    void aStatisticATypeDoesNotHaveFailsWithTheReason() {
        List<DataPoint> dists = points(minutes(false));
        assertThatThrownBy(() -> run(statistic("last"), dists)).hasMessageContaining("statspipe_last does not apply to"
                + " statspipe_dist data points").hasMessageContaining("last is not defined for distribution series");
        List<DataPoint> gauges = points(minutes(true));
        assertThatThrownBy(() -> run(statistic("p99"), gauges)).hasMessageContaining("statspipe_percentile does not"
                + " apply to statspipe_gauge data points");
        assertThatThrownBy(() -> run(statistic("sum"), List.of(new LongDataPoint(T0, 4))))
                .hasMessageContaining("statspipe_sum reads statspipe_dist, statspipe_gauge and statspipe_set data points, not long");
        assertThatThrownBy(() -> run(statistic("unique"), gauges)).hasMessageContaining("statspipe_unique does not"
                + " apply to statspipe_gauge data points").hasMessageContaining("unique is not defined for gauge series");
    }

    @Test
    void thePercentilePropertyMustBeAFractionAboveZeroAndAtMostOne() {
        PercentileRangeValidator validator = new PercentileRangeValidator();
        assertThat(validator.isValid(0.99, null)).isTrue();
        assertThat(validator.isValid(1.0, null)).isTrue();
        assertThat(validator.isValid(0.0, null)).isFalse();
        assertThat(validator.isValid(99.0, null)).isFalse();
    }
}
