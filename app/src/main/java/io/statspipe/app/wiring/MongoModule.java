package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.app.config.Settings;
import java.util.Optional;

/** {@code statspipe.legacy.engine = mongo}: the legacy MongoDB at {@code statspipe.legacy.uri}. */
public final class MongoModule extends AbstractModule {

    @Provides
    @Singleton
    LegacyStore legacy(Settings settings) {
        String uri = settings.legacy().uri();
        return new LegacyStore() {
            private Ports ports;

            @Override
            public synchronized Optional<Ports> ports() {
                if (ports == null) {
                    ports = Ports.connect(uri, settings.legacy().database());
                }
                return Optional.of(ports);
            }

            @Override
            public Optional<String[]> uriAndDatabase() {
                return Optional.of(new String[] {uri, settings.legacy().database()});
            }

            @Override
            public String name() {
                return "legacy MongoDB (external)";
            }

            @Override
            public String where() {
                return uri.replaceAll("//[^@/]*@", "//***@");
            }

            @Override
            public void start() {
                String hosts = uri.replaceFirst("^mongodb://([^@/]*@)?", "").replaceFirst("[/?].*$", "");
                Reachability.requireReachable("statspipe.legacy.uri", hosts.contains(":") ? hosts
                        : String.join(",", java.util.Arrays.stream(hosts.split(",")).map(h -> h + ":27017").toList()));
            }

            @Override
            public boolean ready() {
                return true;
            }

            @Override
            public synchronized void close() {
                if (ports != null) {
                    ports.close();
                }
            }
        };
    }
}
