package io.statspipe.kairosdb.plugin;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.SetAggregate;
import org.kairosdb.core.DataPoint;
import org.kairosdb.core.datapoints.DoubleDataPointFactory;
import org.kairosdb.core.datapoints.LongDataPointFactory;

/** Reads one statistic from each range's merged aggregate, exactly as statspipe's own queries do. */
abstract class StatisticAggregator extends StatspipeAggregator {
    private final LongDataPointFactory longs;
    private final DoubleDataPointFactory doubles;

    StatisticAggregator(LongDataPointFactory longs, DoubleDataPointFactory doubles) {
        this.longs = longs;
        this.doubles = doubles;
    }

    /** What to read from the merged aggregate. */
    abstract Aggregation aggregation();

    @Override
    DataPoint result(long timestamp, Aggregate merged) {
        Aggregation aggregation = aggregation();
        if (aggregation.type() == Aggregation.Type.COUNT) {
            return longs.createDataPoint(timestamp, merged.count());
        }
        if (aggregation.type() == Aggregation.Type.UNIQUE && merged instanceof SetAggregate set) {
            return longs.createDataPoint(timestamp, set.uniqueCount());
        }
        try {
            return doubles.createDataPoint(timestamp, merged.value(aggregation));
        } catch (InvalidStatException e) {
            throw new IllegalArgumentException(name() + " does not apply to " + StatspipeValue.typeOf(merged)
                    + " data points: " + e.getMessage(), e);
        }
    }
}
