package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.RuleSet;
import io.statspipe.ports.out.WritePartialsPort;

/** {@code statspipe.store.engine = kairosdb-h2}: a local KairosDB server (child JVM) keeping its data in H2. */
public final class KairosDbH2Module extends AbstractModule {

    @Override
    protected void configure() {
        install(new KairosDbPortsModule());
    }

    @Provides
    @Singleton
    AggregateStore store(Settings settings) {
        return new LocalKairosStore(settings, "KairosDB (local server on H2)", null);
    }

    /** A local KairosDB server, on H2 or on a {@link io.statspipe.adapter.kairosdb.server.LocalCassandra}. */
    static class LocalKairosStore implements AggregateStore {
        private final Settings settings;
        private final String name;
        private final Engine cassandra;
        private LocalKairosDb server;

        LocalKairosStore(Settings settings, String name, Engine cassandra) {
            this.settings = settings;
            this.name = name;
            this.cassandra = cassandra;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String where() {
            return url() + " (API and UI)";
        }

        @Override
        public String url() {
            return settings.store().kairosUrl();
        }

        @Override
        public TopologyPlugs.Factory<WritePartialsPort> writerFactory(TopologyPlugs.Factory<RuleSet> rules) {
            return KairosDbStores.writerAt(url(), rules);
        }

        @Override
        public void start() throws Exception {
            Reachability.requireFreePort("statspipe.store.port", settings.store().port());
            LocalKairosDb.Builder b = LocalKairosDb.builder().dataDir(settings.dataDir().resolve("kairosdb"))
                    .httpPort(settings.store().port()).heapMegabytes(settings.store().heapMb());
            if (cassandra != null) {
                cassandra.start();
                b.cassandra(cassandra.where());
            } else {
                b.h2();
            }
            server = b.build().start();
            Reachability.requireStatspipePlugin("statspipe.store.port", url());
        }

        @Override
        public boolean ready() {
            return server != null && server.isRunning();
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
            if (cassandra != null) {
                cassandra.close();
            }
        }
    }
}
