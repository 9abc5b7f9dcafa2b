package io.statspipe.app.topology;

import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FaultInjectionContract} on KairosDB over a real Cassandra (production's datastore). */
class FaultInjectionCassandraTest {
    @TempDir
    static Path dir;
    @AutoClose
    static StoreEngines engines;

    @BeforeAll
    static void start() {
        engines = StoreEngines.onCassandra(dir);
    }

    @Test
    void killedAndRestartedTopologyStoresEveryBucketExactlyOnCassandra() throws Exception {
        FaultInjectionContract.run(engines.broker(), engines.kairos().httpUrl(), dir, "cassandra");
    }
}
