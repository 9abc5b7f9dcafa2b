package io.statspipe.kairosdb.plugin;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.InvalidStatException;
import java.util.Collections;
import java.util.Iterator;
import org.kairosdb.core.DataPoint;
import org.kairosdb.core.aggregator.RangeAggregator;
import org.kairosdb.core.annotation.FeatureComponent;

/**
 * A range aggregator over statspipe values: per sampling range (and per group) it merges every
 * aggregate with the domain's {@link Aggregate#merge} and turns the merged aggregate into one
 * data point.
 *
 * <p>It accepts every group type, so that using it on other data (plain numbers, or a statistic
 * the type does not have) fails the query with a message naming the problem, instead of
 * KairosDB silently skipping an aggregator that declines the type.
 */
abstract class StatspipeAggregator extends RangeAggregator {

    /** The name the aggregator is asked for by, from its {@link FeatureComponent}. */
    final String name() {
        FeatureComponent component = getClass().getAnnotation(FeatureComponent.class);
        return component == null ? getClass().getSimpleName() : component.name();
    }

    @Override
    public boolean canAggregate(String groupType) {
        return true;
    }

    @Override
    public String getAggregatedGroupType(String groupType) {
        return DataPoint.GROUP_NUMBER;
    }

    /** The data point a range's merged aggregate gives. */
    abstract DataPoint result(long timestamp, Aggregate merged);

    @Override
    protected RangeSubAggregator getSubAggregator() {
        return (returnTime, range) -> {
            Aggregate merged = merge(range);
            return merged == null ? Collections.emptyList() : Collections.singletonList(result(returnTime, merged));
        };
    }

    private Aggregate merge(Iterator<DataPoint> range) {
        Aggregate merged = null;
        while (range.hasNext()) {
            DataPoint point = range.next();
            if (!(point instanceof AggregateDataPoint p)) {
                throw new IllegalArgumentException(name() + " reads " + StatspipeValue.DIST + ", "
                        + StatspipeValue.GAUGE + " and " + StatspipeValue.SET + " data points, not " + point.getApiDataType() + " ones (a "
                        + point.getApiDataType() + " point at " + point.getTimestamp() + ")");
            }
            try {
                merged = merged == null ? p.aggregate() : merged.merge(p.aggregate());
            } catch (InvalidStatException | ArithmeticException e) {
                throw new IllegalArgumentException(name() + " cannot merge the points of one range: "
                        + e.getMessage(), e);
            }
        }
        return merged;
    }
}
