package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FaultInjectionContract} on KairosDB over a real Cassandra (production's datastore). */
class FaultInjectionCassandraTest {
    @TempDir
    static Path dir;
    static LocalKafkaBroker broker;
    static LocalCassandra cassandra;
    static LocalKairosDb kairos;

    @BeforeAll
    static void start() {
        broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
        cassandra = new LocalCassandra(LocalCassandra.Config.in(dir.resolve("cassandra"))).start();
        kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).cassandra(cassandra.cqlHost()).build().start();
    }

    @AfterAll
    static void stop() {
        if (kairos != null) {
            kairos.close();
        }
        if (cassandra != null) {
            cassandra.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void killedAndRestartedTopologyStoresEveryBucketExactlyOnCassandra() throws Exception {
        FaultInjectionContract.run(broker, kairos.httpUrl(), dir, "cassandra");
    }
}
