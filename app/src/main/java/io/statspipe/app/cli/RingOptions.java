package io.statspipe.app.cli;

import io.statspipe.adapter.ring.zookeeper.ZooKeeperRingRegistry;
import io.statspipe.app.config.ConfigurationException;
import io.statspipe.domain.ring.RingSafety;
import io.statspipe.domain.ring.SeedChoice;
import io.statspipe.ports.out.EngineUnavailableException;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the ring's registry is and what the ring must keep: shared by every {@code statspipe ring} command. */
final class RingOptions {
    @Option(names = "--zookeeper", required = true, paramLabel = "HOST:PORT[,...]",
            description = "The ZooKeeper ensemble holding the ring's membership (the one the Storm cluster uses).")
    String zookeeper;

    @Option(names = "--cluster", defaultValue = "kairosdb", paramLabel = "NAME",
            description = "The ring's name in the registry, as in the seed provider's 'cluster' parameter (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--replication-factor", defaultValue = "3", paramLabel = "N",
            description = "The replication factor of KairosDB's keyspace: no leave goes below it (default: ${DEFAULT-VALUE}).")
    int replicationFactor;

    @Option(names = "--seeds-per-datacenter", defaultValue = "2", paramLabel = "N",
            description = "As in the seed provider's 'seeds-per-datacenter' parameter (default: ${DEFAULT-VALUE}).")
    int seedsPerDatacenter;

    @Option(names = "--timeout", defaultValue = "PT10S", paramLabel = "DURATION",
            description = "How long to wait for ZooKeeper, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    SeedChoice seedChoice() {
        return new SeedChoice(seedsPerDatacenter);
    }

    RingSafety safety() {
        return new RingSafety(seedChoice(), replicationFactor);
    }

    /** The registry, or a configuration error naming {@code --zookeeper} when it does not answer. */
    ZooKeeperRingRegistry registry() {
        try {
            return ZooKeeperRingRegistry.connect(zookeeper, cluster, timeout);
        } catch (EngineUnavailableException | IllegalArgumentException e) {
            throw new ConfigurationException("--zookeeper '" + zookeeper + "' (ring '" + cluster + "'): " + e.getMessage(), e);
        }
    }
}
