package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
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
    static LocalKafkaBroker broker;
    static LocalKairosDb kairos;

    @BeforeAll
    static void start() {
        broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
        kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).h2().build().start();
    }

    @AfterAll
    static void stop() {
        if (kairos != null) {
            kairos.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void killedAndRestartedTopologyStoresEveryBucketExactlyOnH2() throws Exception {
        FaultInjectionContract.run(broker, kairos.httpUrl(), dir, "h2");
    }
}
