package io.statspipe.kairosdb.plugin;

/** Data points of type {@code statspipe_set}: a whole {@code SetAggregate} (count and HLL sketch) each. */
public final class SetDataPointFactory extends AggregateDataPointFactory {
    public SetDataPointFactory() {
        super(StatspipeValue.SET);
    }
}
