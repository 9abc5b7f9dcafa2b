package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.util.Optional;

/** {@code statspipe.legacy.engine = none}: a fresh installation, the new store only. */
public final class NoLegacyModule extends AbstractModule {

    @Provides
    @Singleton
    LegacyStore legacy() {
        return new LegacyStore() {
            @Override
            public Optional<Ports> ports() {
                return Optional.empty();
            }

            @Override
            public Optional<String[]> uriAndDatabase() {
                return Optional.empty();
            }

            @Override
            public String name() {
                return "legacy store (none)";
            }

            @Override
            public String where() {
                return "-";
            }

            @Override
            public void start() {
                // Nothing to start.
            }

            @Override
            public boolean ready() {
                return true;
            }

            @Override
            public void close() {
                // Nothing to stop.
            }
        };
    }
}
