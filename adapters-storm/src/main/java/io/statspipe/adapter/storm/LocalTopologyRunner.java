package io.statspipe.adapter.storm;

import java.nio.file.Path;
import org.apache.storm.generated.KillOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the topology in this JVM on Storm's LocalCluster ({@link LocalStormCluster}, ZooKeeper on 127.0.0.1). */
public final class LocalTopologyRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTopologyRunner.class);

    private final LocalStormCluster storm;
    private final String topologyName;

    private LocalTopologyRunner(LocalStormCluster storm, String topologyName) {
        this.storm = storm;
        this.topologyName = topologyName;
    }

    /** Starts ZooKeeper on 127.0.0.1, a LocalCluster on it, and submits the topology. */
    public static LocalTopologyRunner start(TopologySettings settings, TopologyPlugs plugs, Path workDir)
            throws Exception {
        LocalStormCluster storm = LocalStormCluster.start(workDir);
        try {
            storm.cluster().submitTopology(settings.topologyName(), StatsTopology.config(settings), StatsTopology.build(settings, plugs));
        } catch (Exception | Error e) {
            storm.close();
            throw e;
        }
        LOG.info("topology {} running locally (ZooKeeper on 127.0.0.1:{}), reading {} from {}", settings.topologyName(),
                storm.zooKeeperPort(), settings.eventsTopic(), settings.kafkaDescription());
        return new LocalTopologyRunner(storm, settings.topologyName());
    }

    public PipelineHealth.Snapshot health() {
        return PipelineHealth.of(topologyName).snapshot();
    }

    @Override
    public void close() throws Exception {
        try {
            KillOptions now = new KillOptions();
            now.set_wait_secs(0);
            storm.cluster().killTopologyWithOpts(topologyName, now);
        } catch (Exception e) {
            LOG.warn("killing topology {}: {}", topologyName, e.toString());
        }
        storm.close();
    }
}
