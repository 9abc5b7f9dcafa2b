package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.app.config.Settings;

/**
 * {@code statspipe.store.engine = kairosdb-cassandra}: a local Cassandra and a local KairosDB
 * server on it (two child JVMs): the production datastore on one machine.
 */
public final class KairosDbCassandraModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new KairosDbPortsModule());
    }

    @Provides
    @Singleton
    AggregateStore store(Settings settings) {
        Engine cassandra = new Engine() {
            private LocalCassandra server;

            @Override
            public String name() {
                return "Cassandra (local)";
            }

            @Override
            public String where() {
                return server == null ? "not started" : server.cqlHost();
            }

            @Override
            public void start() {
                server = new LocalCassandra(LocalCassandra.Config.in(settings.dataDir().resolve("cassandra"))).start();
            }

            @Override
            public boolean ready() {
                return server != null;
            }

            @Override
            public void close() {
                if (server != null) {
                    server.close();
                }
            }
        };
        return new KairosDbH2Module.LocalKairosStore(settings, "KairosDB (local server on local Cassandra)", cassandra);
    }
}
