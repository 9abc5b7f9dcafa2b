package io.statspipe.kairosdb.plugin;

import com.google.inject.Inject;
import io.statspipe.domain.Aggregation;
import org.kairosdb.core.annotation.FeatureComponent;
import org.kairosdb.core.datapoints.DoubleDataPointFactory;
import org.kairosdb.core.datapoints.LongDataPointFactory;

@FeatureComponent(
        name = "statspipe_sum",
        description = "The sum of the samples in each range, from statspipe_dist or statspipe_gauge points."
)
public final class StatspipeSumAggregator extends StatisticAggregator {
    @Inject
    public StatspipeSumAggregator(LongDataPointFactory longs, DoubleDataPointFactory doubles) {
        super(longs, doubles);
    }

    @Override
    Aggregation aggregation() {
        return Aggregation.SUM;
    }
}
