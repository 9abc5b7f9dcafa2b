package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.PipelineHealth;
import io.statspipe.app.config.Settings;
import io.statspipe.ports.local.Folders;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code statspipe.topology.engine = local}: the topology on Storm's LocalCluster in this process. */
public final class LocalTopologyModule extends AbstractModule {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTopologyModule.class);

    @Provides
    @Singleton
    Topology topology(Settings settings, EventLog eventLog, AggregateStore store, LegacyStore legacy) {
        return new Topology() {
            private LocalTopologyRunner runner;

            @Override
            public String name() {
                return "Storm topology (LocalCluster)";
            }

            @Override
            public String where() {
                return "in this process, reading " + eventLog.bootstrapServers();
            }

            @Override
            public void start() throws Exception {
                // LocalCluster's ZooKeeper state is scratch: what the topology must remember (consumed
                // offsets, flush intents) lives in Kafka. A state left by a killed process would stop
                // Nimbus from gaining leadership, so every start begins from an empty folder.
                Path work = settings.dataDir().resolve("storm");
                Folders.deleteRecursively(work);
                runner = LocalTopologyRunner.start(TopologyWiring.settings(settings, eventLog.bootstrapServers()),
                        TopologyWiring.plugs(settings, store, legacy), work);
            }

            @Override
            public boolean ready() {
                return runner != null;
            }

            @Override
            public Optional<PipelineHealth.Snapshot> health() {
                return runner == null ? Optional.empty() : Optional.of(runner.health());
            }

            @Override
            public void close() {
                if (runner != null) {
                    try {
                        runner.close();
                    } catch (Exception e) {
                        LOG.warn("stopping the local topology: {}", e.toString());
                    }
                }
            }
        };
    }
}
