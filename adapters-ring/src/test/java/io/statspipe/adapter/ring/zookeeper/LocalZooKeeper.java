package io.statspipe.adapter.ring.zookeeper;

import io.statspipe.ports.testkit.EngineExtension;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real ZooKeeper server in the test's JVM, on 127.0.0.1 and a free port, once per test class
 * ({@code @RegisterExtension static}). No admin server and no other listener: the server alone.
 */
public final class LocalZooKeeper extends EngineExtension<LocalZooKeeper.Server> {

    public LocalZooKeeper() {
        super("zookeeper", Server::start);
    }

    public String connectString() {
        return "127.0.0.1:" + engine().connections().getLocalPort();
    }

    /** The server and its one listener. */
    public record Server(ZooKeeperServer server, ServerCnxnFactory connections) implements AutoCloseable {
        static Server start(Path folder) throws Exception {
            ZooKeeperServer server = new ZooKeeperServer(folder.toFile(), folder.toFile(), 500);
            ServerCnxnFactory connections = NIOServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 64);
            connections.startup(server);
            return new Server(server, connections);
        }

        @Override
        public void close() {
            connections.shutdown();
            server.shutdown();
        }
    }
}
