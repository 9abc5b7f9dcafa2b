package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import java.nio.file.Path;

/**
 * The engines the fault tests' child topologies run against: a KRaft broker and a KairosDB over
 * a real Cassandra (production's datastore). Closed in the reverse order; whatever started before
 * a failure is closed too. A test class holds it in an {@code @AutoClose} static field.
 */
record FaultEngines(LocalKafkaBroker broker, LocalCassandra cassandra, LocalKairosDb kairos) implements AutoCloseable {

    static FaultEngines onCassandra(Path dir) {
        LocalKafkaBroker broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
        LocalCassandra cassandra = null;
        try {
            cassandra = new LocalCassandra(LocalCassandra.Config.in(dir.resolve("cassandra"))).start();
            LocalKairosDb kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).cassandra(cassandra.cqlHost())
                    .build().start();
            return new FaultEngines(broker, cassandra, kairos);
        } catch (RuntimeException | Error e) {
            if (cassandra != null) {
                cassandra.close();
            }
            broker.close();
            throw e;
        }
    }

    @Override
    public void close() {
        kairos.close();
        cassandra.close();
        broker.close();
    }
}
