package io.statspipe.kairosdb.plugin;

import com.google.inject.Inject;
import io.statspipe.domain.Aggregation;
import org.kairosdb.core.annotation.FeatureComponent;
import org.kairosdb.core.datapoints.DoubleDataPointFactory;
import org.kairosdb.core.datapoints.LongDataPointFactory;

@FeatureComponent(
        name = "statspipe_unique",
        description = "The estimated number of distinct members in each range (a long), from the union of the"
                + " statspipe_set points' sketches."
)
public final class StatspipeUniqueAggregator extends StatisticAggregator {
    @Inject
    public StatspipeUniqueAggregator(LongDataPointFactory longs, DoubleDataPointFactory doubles) {
        super(longs, doubles);
    }

    @Override
    Aggregation aggregation() {
        return Aggregation.UNIQUE;
    }
}
