package io.statspipe.kairosdb.plugin;

import com.google.inject.Inject;
import io.statspipe.domain.Aggregation;
import org.kairosdb.core.annotation.FeatureComponent;
import org.kairosdb.core.datapoints.DoubleDataPointFactory;
import org.kairosdb.core.datapoints.LongDataPointFactory;

@FeatureComponent(
        name = "statspipe_avg",
        description = "The mean of the samples in each range (merged sum / merged count), from statspipe_dist or statspipe_gauge points."
)
public final class StatspipeAvgAggregator extends StatisticAggregator {
    @Inject
    public StatspipeAvgAggregator(LongDataPointFactory longs, DoubleDataPointFactory doubles) {
        super(longs, doubles);
    }

    @Override
    Aggregation aggregation() {
        return Aggregation.AVG;
    }
}
