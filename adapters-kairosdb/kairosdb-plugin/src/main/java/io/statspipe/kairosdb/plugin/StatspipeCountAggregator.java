package io.statspipe.kairosdb.plugin;

import com.google.inject.Inject;
import io.statspipe.domain.Aggregation;
import org.kairosdb.core.annotation.FeatureComponent;
import org.kairosdb.core.datapoints.DoubleDataPointFactory;
import org.kairosdb.core.datapoints.LongDataPointFactory;

@FeatureComponent(
        name = "statspipe_count",
        description = "The number of samples in each range (a long), from statspipe_dist or statspipe_gauge points."
)
public final class StatspipeCountAggregator extends StatisticAggregator {
    @Inject
    public StatspipeCountAggregator(LongDataPointFactory longs, DoubleDataPointFactory doubles) {
        super(longs, doubles);
    }

    @Override
    Aggregation aggregation() {
        return Aggregation.COUNT;
    }
}
