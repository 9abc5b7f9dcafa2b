package io.statspipe.adapter.kairosdb;

import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * statspipe's KairosDB plugin in a real KairosDB on a real Cassandra node (KairosDB's production
 * datastore, which stores the plugin's binary values as they are), started once for the class.
 */
class KairosPluginOnCassandraTest extends KairosPluginContract {
    @TempDir
    static Path dir;
    LocalCassandra cassandra;
    LocalKairosDb kairos;

    @Override
    void start() {
        cassandra = new LocalCassandra(LocalCassandra.Config.in(dir.resolve("cassandra"))).start();
        kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).cassandra(cassandra.cqlHost()).build().start();
    }

    @Override
    void stop() {
        if (kairos != null) {
            kairos.stop();
        }
        if (cassandra != null) {
            cassandra.stop();
        }
    }

    @Override
    String kairosUrl() {
        return kairos.httpUrl();
    }
}
