package io.statspipe.adapter.storm;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.shade.org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.storm.shade.org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the topology in this JVM on Storm's LocalCluster. LocalCluster would start its ZooKeeper
 * on every interface; this one starts it on 127.0.0.1 and hands it over.
 */
public final class LocalTopologyRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTopologyRunner.class);

    private final ZooKeeperServer zooKeeper;
    private final NIOServerCnxnFactory connections;
    private final LocalCluster cluster;
    private final String topologyName;

    private LocalTopologyRunner(ZooKeeperServer zooKeeper, NIOServerCnxnFactory connections, LocalCluster cluster,
                                String topologyName) {
        this.zooKeeper = zooKeeper;
        this.connections = connections;
        this.cluster = cluster;
        this.topologyName = topologyName;
    }

    /** Starts ZooKeeper on 127.0.0.1, a LocalCluster on it, and submits the topology. */
    public static LocalTopologyRunner start(TopologySettings settings, TopologyPlugs plugs, Path workDir)
            throws Exception {
        File zkDir = Files.createDirectories(workDir.resolve("zookeeper")).toFile();
        ZooKeeperServer zooKeeper = new ZooKeeperServer(zkDir, zkDir, 2000);
        NIOServerCnxnFactory connections = new NIOServerCnxnFactory();
        connections.configure(new InetSocketAddress("127.0.0.1", 0), 100, -1, false);
        connections.startup(zooKeeper, true);
        int zkPort = connections.getLocalPort();
        LocalCluster cluster;
        try {
            cluster = new LocalCluster("127.0.0.1", (long) zkPort);
        } catch (Exception e) {
            connections.shutdown();
            zooKeeper.shutdown();
            throw e;
        }
        LocalTopologyRunner runner = new LocalTopologyRunner(zooKeeper, connections, cluster, settings.topologyName());
        cluster.submitTopology(settings.topologyName(), StatsTopology.config(settings), StatsTopology.build(settings, plugs));
        LOG.info("topology {} running locally (ZooKeeper on 127.0.0.1:{}), reading {} from {}", settings.topologyName(),
                zkPort, settings.eventsTopic(), settings.kafkaDescription());
        return runner;
    }

    public PipelineHealth.Snapshot health() {
        return PipelineHealth.of(topologyName).snapshot();
    }

    @Override
    public void close() throws Exception {
        try {
            KillOptions now = new KillOptions();
            now.set_wait_secs(0);
            cluster.killTopologyWithOpts(topologyName, now);
        } catch (Exception e) {
            LOG.warn("killing topology {}: {}", topologyName, e.toString());
        }
        cluster.close();
        connections.shutdown();
        zooKeeper.shutdown();
    }
}
