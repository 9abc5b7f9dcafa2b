package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The engines a topology test writes through, started once per test class on 127.0.0.1: a KRaft
 * broker and a KairosDB, on H2 or over a real Cassandra (production's datastore). Closed in the
 * reverse order; whatever started before a failure is closed too. A test class holds it in an
 * {@code @AutoClose} static field.
 */
record StoreEngines(LocalKafkaBroker broker, Optional<LocalCassandra> cassandra, LocalKairosDb kairos)
        implements AutoCloseable {

    static StoreEngines onH2(Path dir) {
        return start(dir, false);
    }

    static StoreEngines onCassandra(Path dir) {
        return start(dir, true);
    }

    private static StoreEngines start(Path dir, boolean onCassandra) {
        LocalKafkaBroker broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
        LocalCassandra cassandra = null;
        try {
            LocalKairosDb.Builder kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb"));
            if (onCassandra) {
                cassandra = new LocalCassandra(LocalCassandra.Config.in(dir.resolve("cassandra"))).start();
                kairos.cassandra(cassandra.cqlHost());
            } else {
                kairos.h2();
            }
            return new StoreEngines(broker, Optional.ofNullable(cassandra), kairos.build().start());
        } catch (RuntimeException | Error e) {
            if (cassandra != null) {
                cassandra.close();
            }
            broker.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void close() {
        kairos.close();
        cassandra.ifPresent(LocalCassandra::close);
        broker.close();
    }
}
