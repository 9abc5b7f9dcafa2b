package io.statspipe.kairosdb.plugin;

/** Data points of type {@code statspipe_gauge}: a whole {@code GaugeAggregate} each. */
public final class GaugeDataPointFactory extends AggregateDataPointFactory {
    public GaugeDataPointFactory() {
        super(StatspipeValue.GAUGE);
    }
}
