package io.statspipe.kairosdb.plugin;

/** Data points of type {@code statspipe_dist}: a whole {@code DistributionAggregate} each. */
public final class DistributionDataPointFactory extends AggregateDataPointFactory {
    public DistributionDataPointFactory() {
        super(StatspipeValue.DIST);
    }
}
