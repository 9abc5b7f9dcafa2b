package io.statspipe.adapter.storm;

import org.apache.storm.StormSubmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Submits the same topology to a Storm cluster (nimbus from the storm.yaml on the classpath or -c options). */
public final class ClusterSubmission {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSubmission.class);

    private ClusterSubmission() {
    }

    public static void submit(TopologySettings settings, TopologyPlugs plugs) throws Exception {
        StormSubmitter.submitTopology(settings.topologyName(), StatsTopology.config(settings),
                StatsTopology.build(settings, plugs));
        LOG.info("submitted topology {} reading {} from {}", settings.topologyName(), settings.eventsTopic(),
                settings.kafkaDescription());
    }
}
