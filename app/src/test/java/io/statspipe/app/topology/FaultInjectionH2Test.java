package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FaultInjectionContract} on KairosDB over H2. About three minutes, so it runs on request
 * ({@code -Dstatspipe.faults.h2=true}); the default build runs the Cassandra variant.
 */
@EnabledIfSystemProperty(named = "statspipe.faults.h2", matches = "true")
class FaultInjectionH2Test {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();

    @Test
    void killedAndRestartedTopologyStoresEveryBucketExactlyOnH2() throws Exception {
        FaultInjectionContract.run(KAFKA.engine(), KAIROS.httpUrl(), dir, "h2");
    }
}
