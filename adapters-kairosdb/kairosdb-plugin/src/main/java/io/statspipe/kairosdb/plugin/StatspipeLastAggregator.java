package io.statspipe.kairosdb.plugin;

import com.google.inject.Inject;
import io.statspipe.domain.Aggregation;
import org.kairosdb.core.annotation.FeatureComponent;
import org.kairosdb.core.datapoints.DoubleDataPointFactory;
import org.kairosdb.core.datapoints.LongDataPointFactory;

@FeatureComponent(
        name = "statspipe_last",
        description = "The last sample of each range (latest last_at, the larger value on a tie), from statspipe_gauge points."
)
public final class StatspipeLastAggregator extends StatisticAggregator {
    @Inject
    public StatspipeLastAggregator(LongDataPointFactory longs, DoubleDataPointFactory doubles) {
        super(longs, doubles);
    }

    @Override
    Aggregation aggregation() {
        return Aggregation.LAST;
    }
}
