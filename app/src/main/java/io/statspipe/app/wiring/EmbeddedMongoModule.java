package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.mongo.LegacyMongoServer;
import io.statspipe.app.config.Settings;
import java.util.Optional;

/**
 * {@code statspipe.legacy.engine = embedded-mongo}: a MongoDB-protocol server in this process,
 * durable in one H2 file in the data folder (for trying the migration on one machine).
 */
public final class EmbeddedMongoModule extends AbstractModule {

    @Provides
    @Singleton
    LegacyStore legacy(Settings settings) {
        return new LegacyStore() {
            private LegacyMongoServer server;
            private Ports ports;

            @Override
            public synchronized Optional<Ports> ports() {
                if (ports == null) {
                    ports = Ports.connect(settings.legacy().mongoUri(), settings.legacy().database());
                }
                return Optional.of(ports);
            }

            @Override
            public Optional<String[]> uriAndDatabase() {
                return Optional.of(new String[] {settings.legacy().mongoUri(), settings.legacy().database()});
            }

            @Override
            public String name() {
                return "legacy MongoDB (embedded MongoDB-protocol server)";
            }

            @Override
            public String where() {
                return settings.legacy().mongoUri();
            }

            @Override
            public void start() {
                Reachability.requireFreePort("statspipe.legacy.port", settings.legacy().port());
                server = LegacyMongoServer.onFile(settings.dataDir().resolve("mongo").resolve("legacy.mv.db"),
                        settings.legacy().port()).start();
            }

            @Override
            public boolean ready() {
                return server != null;
            }

            @Override
            public synchronized void close() {
                if (ports != null) {
                    ports.close();
                }
                if (server != null) {
                    server.close();
                }
            }
        };
    }
}
