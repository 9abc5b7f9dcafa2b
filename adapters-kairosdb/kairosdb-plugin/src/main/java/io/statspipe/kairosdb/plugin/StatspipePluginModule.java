package io.statspipe.kairosdb.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;

/**
 * statspipe's KairosDB plugin, loaded by KairosDB as a service module:
 * <pre>
 * kairosdb.service.statspipe: "io.statspipe.kairosdb.plugin.StatspipePluginModule"
 * kairosdb.datapoints.factory.statspipe_dist: "io.statspipe.kairosdb.plugin.DistributionDataPointFactory"
 * kairosdb.datapoints.factory.statspipe_gauge: "io.statspipe.kairosdb.plugin.GaugeDataPointFactory"
 * kairosdb.datapoints.factory.statspipe_set: "io.statspipe.kairosdb.plugin.SetDataPointFactory"
 * </pre>
 * The factories are bound here (KairosDB finds the datastore types among the bound factories)
 * and named in the configuration (which maps the API types to them); every bound aggregator
 * appears in {@code /api/v1/features/aggregators}.
 */
public final class StatspipePluginModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(DistributionDataPointFactory.class).in(Singleton.class);
        bind(GaugeDataPointFactory.class).in(Singleton.class);
        bind(SetDataPointFactory.class).in(Singleton.class);

        bind(StatspipeMergeAggregator.class);
        bind(StatspipeCountAggregator.class);
        bind(StatspipeSumAggregator.class);
        bind(StatspipeAvgAggregator.class);
        bind(StatspipeMinAggregator.class);
        bind(StatspipeMaxAggregator.class);
        bind(StatspipeLastAggregator.class);
        bind(StatspipePercentileAggregator.class);
        bind(StatspipeUniqueAggregator.class);
    }
}
