package io.statspipe.adapter.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB-protocol server on 127.0.0.1, in this JVM, for tests (memory backend) and the
 * embedded mode (an H2 file that survives a hard kill). No real mongod can be installed on the
 * machines statspipe develops on; this server speaks the wire protocol the official driver
 * uses. It lacks transactions, cross-collection bulk writes and non-unique indexes, so the
 * adapter uses none of them (nor anything real MongoDB lacks).
 *
 * <pre>{@code
 * try (LegacyMongoServer server = LegacyMongoServer.inMemory().start()) {
 *     MongoClient client = MongoClients.create(server.connectionString());
 * }
 * }</pre>
 */
public final class LegacyMongoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyMongoServer.class);
    private static final String HOST = "127.0.0.1";

    private final Optional<Path> dataFile;
    private final int port;
    private MongoBackend backend;
    private MongoServer server;
    private InetSocketAddress address;

    private LegacyMongoServer(Optional<Path> dataFile, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 (any free port) and 65535, got " + port);
        }
        this.dataFile = dataFile;
        this.port = port;
    }

    /** A server that keeps everything in memory, on a free port. */
    public static LegacyMongoServer inMemory() {
        return new LegacyMongoServer(Optional.empty(), 0);
    }

    /** A durable server keeping its data in one H2 file (created if missing), on a free port. */
    public static LegacyMongoServer onFile(Path dataFile) {
        return onFile(dataFile, 0);
    }

    /** A durable server keeping its data in one H2 file (created if missing), on {@code port} (0: any free port). */
    public static LegacyMongoServer onFile(Path dataFile, int port) {
        if (dataFile == null) {
            throw new IllegalArgumentException("data file of the legacy MongoDB server must be given");
        }
        return new LegacyMongoServer(Optional.of(dataFile.toAbsolutePath()), port);
    }

    /** Starts listening on 127.0.0.1; returns this. */
    public synchronized LegacyMongoServer start() {
        if (server != null) {
            throw new IllegalStateException("legacy MongoDB server already started at " + connectionString());
        }
        backend = dataFile.map(LegacyMongoServer::h2Backend).orElseGet(MemoryBackend::new);
        server = new MongoServer(backend);
        server.bind(HOST, port);
        address = server.getLocalAddress();
        LOG.info("legacy MongoDB-protocol server listening on {}:{} ({})", HOST, address.getPort(),
                dataFile.map(f -> "data in " + f).orElse("in memory"));
        return this;
    }

    private static MongoBackend h2Backend(Path file) {
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of the legacy MongoDB data file " + file, e);
        }
        return new H2Backend(file.toString());
    }

    /** {@code mongodb://127.0.0.1:PORT}. */
    public synchronized String connectionString() {
        if (server == null) {
            throw new IllegalStateException("legacy MongoDB server is not started");
        }
        return "mongodb://" + HOST + ":" + address.getPort();
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("legacy MongoDB server is not started");
        }
        return address.getPort();
    }

    /** The H2 file holding the data, or empty for an in-memory server. */
    public Optional<Path> dataFile() {
        return dataFile;
    }

    /** Stops listening, closes client connections and, for a file, flushes and closes it. Idempotent. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdownNow();
        backend.close();
        LOG.info("legacy MongoDB-protocol server on {}:{} stopped", HOST, address.getPort());
        server = null;
        backend = null;
    }

    @Override
    public void close() {
        stop();
    }
}
