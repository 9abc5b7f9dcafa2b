package io.statspipe.adapter.kairosdb;

import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.ports.testkit.EngineExtension;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A real KairosDB server (child JVM, statspipe's plugin loaded) on 127.0.0.1, on H2 or over a
 * real Cassandra node (production's datastore), once per test class (see {@link EngineExtension}).
 */
public final class KairosDbExtension extends EngineExtension<KairosDbExtension.Server> {

    private KairosDbExtension(String name, Starter<Server> starter) {
        super(name, starter);
    }

    public static KairosDbExtension onH2() {
        return new KairosDbExtension("kairosdb-h2", Server::onH2);
    }

    public static KairosDbExtension onCassandra() {
        return new KairosDbExtension("kairosdb-cassandra", Server::onCassandra);
    }

    public LocalKairosDb kairos() {
        return engine().kairos();
    }

    public String httpUrl() {
        return kairos().httpUrl();
    }

    /**
     * KairosDB and, under it, the Cassandra node it stores in (none on H2). Closed in the reverse
     * order of their start; whatever started before a failure is closed too.
     */
    public record Server(Optional<LocalCassandra> cassandra, LocalKairosDb kairos) implements AutoCloseable {

        public static Server onH2(Path folder) {
            return new Server(Optional.empty(),
                    LocalKairosDb.builder().dataDir(folder.resolve("kairosdb")).h2().build().start());
        }

        public static Server onCassandra(Path folder) {
            LocalCassandra cassandra = new LocalCassandra(LocalCassandra.Config.in(folder.resolve("cassandra"))).start();
            try {
                return new Server(Optional.of(cassandra), LocalKairosDb.builder().dataDir(folder.resolve("kairosdb"))
                        .cassandra(cassandra.cqlHost()).build().start());
            } catch (RuntimeException | Error e) {
                cassandra.close();
                throw e;
            }
        }

        @Override
        public void close() {
            kairos.close();
            cassandra.ifPresent(LocalCassandra::close);
        }
    }
}
