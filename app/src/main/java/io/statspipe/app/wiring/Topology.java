package io.statspipe.app.wiring;

import io.statspipe.adapter.storm.PipelineHealth;
import java.util.Optional;

/** The counting topology: run here on a LocalCluster, or on a Storm cluster elsewhere. */
public interface Topology extends Engine {

    /** Its health figures, when it runs in this JVM. */
    Optional<PipelineHealth.Snapshot> health();
}
