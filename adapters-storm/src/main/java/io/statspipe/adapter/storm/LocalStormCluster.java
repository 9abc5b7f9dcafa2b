package io.statspipe.adapter.storm;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.storm.LocalCluster;
import org.apache.storm.shade.org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.storm.shade.org.apache.zookeeper.server.ZooKeeperServer;

/**
 * Storm's LocalCluster in this JVM, on a ZooKeeper of its own on 127.0.0.1: LocalCluster would
 * start its ZooKeeper on every interface. The one place statspipe starts Storm's ZooKeeper.
 */
public final class LocalStormCluster implements AutoCloseable {
    private final ZooKeeperServer zooKeeper;
    private final NIOServerCnxnFactory connections;
    private final LocalCluster cluster;

    private LocalStormCluster(ZooKeeperServer zooKeeper, NIOServerCnxnFactory connections, LocalCluster cluster) {
        this.zooKeeper = zooKeeper;
        this.connections = connections;
        this.cluster = cluster;
    }

    /** Starts ZooKeeper with its data in {@code workDir}/zookeeper, then a LocalCluster on it. */
    public static LocalStormCluster start(Path workDir) throws Exception {
        File zkDir = Files.createDirectories(workDir.resolve("zookeeper")).toFile();
        ZooKeeperServer zooKeeper = new ZooKeeperServer(zkDir, zkDir, 2000);
        NIOServerCnxnFactory connections = new NIOServerCnxnFactory();
        connections.configure(new InetSocketAddress("127.0.0.1", 0), 100, -1, false);
        connections.startup(zooKeeper, true);
        try {
            return new LocalStormCluster(zooKeeper, connections, new LocalCluster("127.0.0.1", (long) connections.getLocalPort()));
        } catch (Exception | Error e) {
            connections.shutdown();
            zooKeeper.shutdown();
            throw e;
        }
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public int zooKeeperPort() {
        return connections.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            connections.shutdown();
            zooKeeper.shutdown();
        }
    }
}
