package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link FaultInjectionContract} on KairosDB over a real Cassandra (production's datastore). */
class FaultInjectionCassandraTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onCassandra();

    @Test
    void killedAndRestartedTopologyStoresEveryBucketExactlyOnCassandra() throws Exception {
        FaultInjectionContract.run(KAFKA.engine(), KAIROS.httpUrl(), dir, "cassandra");
    }
}
