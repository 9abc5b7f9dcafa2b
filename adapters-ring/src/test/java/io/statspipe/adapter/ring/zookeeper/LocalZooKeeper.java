package io.statspipe.adapter.ring.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ZooKeeper server in the test's JVM, on 127.0.0.1 and a free port, once per test class
 * ({@code @RegisterExtension static}). No admin server and no other listener: the server alone.
 */
public final class LocalZooKeeper implements BeforeAllCallback, AfterAllCallback {
    private Path folder;
    private ZooKeeperServer server;
    private ServerCnxnFactory connections;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        folder = Files.createTempDirectory("statspipe-zookeeper");
        server = new ZooKeeperServer(folder.toFile(), folder.toFile(), 500);
        connections = NIOServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 64);
        connections.startup(server);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        connections.shutdown();
        server.shutdown();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String connectString() {
        return "127.0.0.1:" + connections.getLocalPort();
    }
}
