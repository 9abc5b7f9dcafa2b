package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosDeletion;
import io.statspipe.adapter.kairosdb.KairosQueryApi;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.ports.out.DeletePointsPort;
import io.statspipe.ports.out.NativeQueryPort;
import io.statspipe.app.config.Settings;
import io.statspipe.ports.out.QueryAggregatesPort;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.WritePartialsPort;

/**
 * The new store's ports, all served by one {@link KairosAggregateStore} at the engine's URL; and
 * its own read API, for dashboards ({@link KairosQueryApi}).
 */
final class KairosDbPortsModule extends AbstractModule {

    @Provides
    @Singleton
    KairosAggregateStore kairos(AggregateStore engine, Settings settings) {
        return KairosDbStores.at(engine.url(), settings.rollup().rules());
    }

    @Provides
    @Named(Stores.NEW)
    QueryAggregatesPort queries(KairosAggregateStore store) {
        return store;
    }

    @Provides
    @Named(Stores.NEW)
    WritePartialsPort writes(KairosAggregateStore store) {
        return store;
    }

    @Provides
    @Named(Stores.NEW)
    ReadBucketsPort reads(KairosAggregateStore store) {
        return store;
    }

    @Provides
    @Singleton
    NativeQueryPort nativeQueries(AggregateStore engine) {
        return new KairosQueryApi(KairosStoreConfig.of(engine.url()));
    }

    @Provides
    @Singleton
    @Named(Stores.NEW)
    DeletePointsPort deletion(AggregateStore engine) {
        return new KairosDeletion(KairosStoreConfig.of(engine.url()));
    }
}
