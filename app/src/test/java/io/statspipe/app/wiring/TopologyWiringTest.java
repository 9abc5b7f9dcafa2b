package io.statspipe.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.storm.StatsTopology;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.app.config.Settings;
import io.statspipe.app.config.SettingsLoader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.storm.Config;
import org.junit.jupiter.api.Test;

/** What the configuration hands the topology, for LocalCluster and for {@code statspipe submit} alike. */
class TopologyWiringTest {

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
}
