package io.statspipe.app.topology;

import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FaultInjectionContract} on KairosDB over H2. About three minutes, so it runs on request
 * ({@code -Dstatspipe.faults.h2=true}); the default build runs the Cassandra variant.
 */
@EnabledIfSystemProperty(named = "statspipe.faults.h2", matches = "true")
class FaultInjectionH2Test {
    @TempDir
    static Path dir;
    @AutoClose
    static StoreEngines engines;

    @BeforeAll
    static void start() {
        engines = StoreEngines.onH2(dir);
    }

    @Test
    void killedAndRestartedTopologyStoresEveryBucketExactlyOnH2() throws Exception {
        FaultInjectionContract.run(engines.broker(), engines.kairos().httpUrl(), dir, "h2");
    }
}
