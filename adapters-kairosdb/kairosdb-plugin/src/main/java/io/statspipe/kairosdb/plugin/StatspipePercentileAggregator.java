package io.statspipe.kairosdb.plugin;

import com.google.inject.Inject;
import io.statspipe.domain.Aggregation;
import org.kairosdb.core.annotation.FeatureComponent;
import org.kairosdb.core.annotation.FeatureProperty;
import org.kairosdb.core.annotation.ValidationProperty;
import org.kairosdb.core.datapoints.DoubleDataPointFactory;
import org.kairosdb.core.datapoints.LongDataPointFactory;

@FeatureComponent(
        name = "statspipe_percentile",
        description = "A percentile of the samples in each range, read from the merged quantile sketch of"
                + " statspipe_dist points (within 1% of the true value)."
)
public final class StatspipePercentileAggregator extends StatisticAggregator {

    @PercentileRange
    @FeatureProperty(
            label = "Percentile",
            description = "The percentile as a fraction: 0.99 for the 99th percentile; greater than 0, at most 1.",
            default_value = "0.99",
            validations = {
                    @ValidationProperty(expression = "value > 0", message = "Percentile must be greater than 0."),
                    @ValidationProperty(expression = "value <= 1", message = "Percentile must be at most 1.")
            }
    )
    private double percentile;

    @Inject
    public StatspipePercentileAggregator(LongDataPointFactory longs, DoubleDataPointFactory doubles) {
        super(longs, doubles);
    }

    public void setPercentile(double percentile) {
        this.percentile = percentile;
    }

    @Override
    Aggregation aggregation() {
        return Aggregation.percentile(percentile);
    }
}
