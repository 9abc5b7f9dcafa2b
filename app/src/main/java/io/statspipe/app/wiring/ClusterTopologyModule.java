package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.storm.PipelineHealth;
import java.util.Optional;

/**
 * {@code statspipe.topology.engine = cluster}: the topology runs on a Storm cluster (submitted
 * with {@code statspipe submit}); this process only ingests and answers queries.
 */
public final class ClusterTopologyModule extends AbstractModule {

    @Provides
    @Singleton
    Topology topology() {
        return new Topology() {
            @Override
            public String name() {
                return "Storm topology (on the cluster, see 'statspipe submit')";
            }

            @Override
            public String where() {
                return "Storm cluster";
            }

            @Override
            public void start() {
                // Runs elsewhere.
            }

            @Override
            public boolean ready() {
                return true;
            }

            @Override
            public Optional<PipelineHealth.Snapshot> health() {
                return Optional.empty();
            }

            @Override
            public void close() {
                // Runs elsewhere.
            }
        };
    }
}
