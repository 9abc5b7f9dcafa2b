package io.statspipe.kairosdb.plugin;

import com.google.inject.Inject;
import io.statspipe.domain.Aggregation;
import org.kairosdb.core.annotation.FeatureComponent;
import org.kairosdb.core.datapoints.DoubleDataPointFactory;
import org.kairosdb.core.datapoints.LongDataPointFactory;

@FeatureComponent(
        name = "statspipe_max",
        description = "The largest sample in each range, from statspipe_dist or statspipe_gauge points."
)
public final class StatspipeMaxAggregator extends StatisticAggregator {
    @Inject
    public StatspipeMaxAggregator(LongDataPointFactory longs, DoubleDataPointFactory doubles) {
        super(longs, doubles);
    }

    @Override
    Aggregation aggregation() {
        return Aggregation.MAX;
    }
}
