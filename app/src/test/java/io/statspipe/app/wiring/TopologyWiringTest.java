package io.statspipe.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.statspipe.adapter.kafka.migration.KafkaPhaseStore;
import io.statspipe.adapter.storm.StatsTopology;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.app.config.RollupRulesTest;
import io.statspipe.app.config.Settings;
import io.statspipe.app.config.SettingsLoader;
import io.statspipe.domain.RollupRule;
import io.statspipe.migration.FilePhaseStore;
import io.statspipe.ports.out.PhaseStorePort;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.storm.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the configuration hands the topology, for LocalCluster and for {@code statspipe submit} alike. */
class TopologyWiringTest {
    @TempDir
    Path dir;

    @Test
    void configuredWorkersParallelismAndFlushIntervalReachTheStormConfig() {
        Settings settings = SettingsLoader.load(Optional.empty(), Map.of(), new Properties(), Map.of(
                "statspipe.topology.workers", "3",
                "statspipe.topology.rollup-parallelism", "5",
                "statspipe.topology.flush-interval", "4s",
                "statspipe.topology.name", "counting"));

        TopologySettings topology = TopologyWiring.settings(settings, "127.0.0.1:9092");
        Config storm = StatsTopology.config(topology);

        assertThat(storm.get(Config.TOPOLOGY_WORKERS)).isEqualTo(3);
        assertThat(topology.workers()).isEqualTo(3);
        assertThat(topology.rollupParallelism()).isEqualTo(5);
        assertThat(topology.flushInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(topology.topologyName()).isEqualTo("counting");
        assertThat(topology.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void defaultConfigurationAsksForTwoWorkers() {
        Settings settings = SettingsLoader.load(Optional.empty(), Map.of(), new Properties(), Map.of());

        assertThat(StatsTopology.config(TopologyWiring.settings(settings, "127.0.0.1:9092")).get(Config.TOPOLOGY_WORKERS))
                .isEqualTo(2);
    }

    @Test
    void theConfiguredRulesReachTheTopologyAndSurviveStormsSerialization() throws Exception {
        Path file = dir.resolve("rules.conf");
        Files.writeString(file, "statspipe.topology.flush-interval = 3s\n" + RollupRulesTest.TWO_RULES);
        Settings settings = SettingsLoader.load(Optional.of(file), Map.of(), new Properties(), Map.of(
                "statspipe.store.engine", "kairosdb", "statspipe.store.url", "http://127.0.0.1:1"));
        Injector injector = Guice.createInjector(new KairosDbModule(), new NoLegacyModule(),
                binder -> binder.bind(Settings.class).toInstance(settings));

        TopologyPlugs plugs = TopologyWiring.plugs(settings, injector.getInstance(AggregateStore.class),
                injector.getInstance(LegacyStore.class));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(plugs);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            TopologyPlugs inWorker = (TopologyPlugs) in.readObject();
            assertThat(inWorker.rules().get()).isEqualTo(settings.rollup().rules());
            assertThat(inWorker.rules().get().rules()).extracting(RollupRule::name).containsExactly("raw", "by-site");
        }
    }

    @Test
    void withAKafkaClusterTheWorkersReadThePhaseFromKafkaAndWithTheEmbeddedBrokerFromTheDataFolder() throws Exception {
        Settings cluster = SettingsLoader.load(Optional.empty(), Map.of(), new Properties(), Map.of(
                "statspipe.event-log.engine", "kafka", "statspipe.event-log.bootstrap-servers", "kafka1:9092"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(CoreModule.phaseStores(cluster));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            TopologyPlugs.Factory<PhaseStorePort> inWorker = (TopologyPlugs.Factory<PhaseStorePort>) in.readObject();
            PhaseStorePort phases = inWorker.get();
            assertThat(phases).isInstanceOf(KafkaPhaseStore.class);
            ((KafkaPhaseStore) phases).close();
        }

        Settings local = SettingsLoader.load(Optional.empty(), Map.of(), new Properties(), Map.of(
                "statspipe.data-dir", dir.toString()));
        assertThat(CoreModule.phaseStores(local).get()).isInstanceOf(FilePhaseStore.class);
    }
}
