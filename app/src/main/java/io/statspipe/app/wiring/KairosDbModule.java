package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.RuleSet;
import io.statspipe.ports.out.WritePartialsPort;

/** {@code statspipe.store.engine = kairosdb}: an external KairosDB at {@code statspipe.store.url}. */
public final class KairosDbModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new KairosDbPortsModule());
    }

    @Provides
    @Singleton
    AggregateStore store(Settings settings) {
        String url = settings.store().url();
        return new AggregateStore() {
            private volatile boolean checked;

            @Override
            public String name() {
                return "KairosDB (external)";
            }

            @Override
            public String where() {
                return url;
            }

            @Override
            public String url() {
                return url;
            }

            @Override
            public TopologyPlugs.Factory<WritePartialsPort> writerFactory(TopologyPlugs.Factory<RuleSet> rules) {
                return KairosDbStores.writerAt(url, rules);
            }

            @Override
            public void start() {
                Reachability.requireHttp("statspipe.store.url", url, "/api/v1/version");
                Reachability.requireStatspipePlugin("statspipe.store.url", url);
                checked = true;
            }

            @Override
            public boolean ready() {
                return checked;
            }

            @Override
            public void close() {
                // Not ours to stop.
            }
        };
    }
}
