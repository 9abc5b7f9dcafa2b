package io.statspipe.adapter.kairosdb.server;

import io.statspipe.adapter.kairosdb.KairosPlugin;
import io.statspipe.ports.local.Folders;
import io.statspipe.ports.local.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KairosDB server on this machine, in a child JVM, listening on 127.0.0.1 only: for tests and
 * for statspipe's embedded mode.
 *
 * <pre>{@code
 * LocalKairosDb kairos = LocalKairosDb.builder().dataDir(dir).build();   // H2
 * kairos.start();
 * new KairosAggregateStore(KairosStoreConfig.of(kairos.httpUrl()));
 * kairos.stop();
 * }</pre>
 *
 * <p>The HTTP port is chosen on the first {@link #start()} (a free one unless configured) and kept:
 * a restart serves the same URL and, on H2, the same data. The jars come from the build (see
 * {@link ServerClasspath}); the server is stopped by its PID, and exits by itself if this JVM dies.
 */
public final class LocalKairosDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKairosDb.class);

    /** Which datastore the server keeps its data in. */
    public enum Datastore { H2, CASSANDRA }

    /**
     * How to run the server.
     *
     * @param dataDir       folder for the server's data, configuration and log
     * @param datastore     H2 (in {@code dataDir}) or Cassandra
     * @param cassandraHost {@code host:port} of Cassandra's native (CQL) transport, or several, comma-separated
     *                      (the nodes of a ring the driver starts from); ignored for H2
     * @param replicationFactor the replication factor KairosDB creates its keyspace with on Cassandra: 1 for a
     *                      single node (writes at ONE), 2 or more for a ring (reads and writes at QUORUM)
     * @param httpPort      the HTTP port, or 0 for a free one
     * @param heapMegabytes the server JVM's maximum heap; on H2 a quarter of it is H2's page cache
     * @param startTimeout  how long the server may take to answer {@code /api/v1/version}
     */
    public record Config(Path dataDir, Datastore datastore, String cassandraHost, int replicationFactor, int httpPort,
                         int heapMegabytes, Duration startTimeout) {
        public Config {
            if (dataDir == null) {
                throw new IllegalArgumentException("kairosdb dataDir must be given");
            }
            if (datastore == null) {
                throw new IllegalArgumentException("kairosdb datastore must be H2 or CASSANDRA");
            }
            if (datastore == Datastore.CASSANDRA
                    && (cassandraHost == null || !cassandraHost.matches("[^:\\s,]+:\\d+(,[^:\\s,]+:\\d+)*"))) {
                throw new IllegalArgumentException("kairosdb on Cassandra needs cassandraHost as host:port (several "
                        + "comma-separated for a ring), got '" + cassandraHost + "'");
            }
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("kairosdb replicationFactor must be at least 1, got " + replicationFactor);
            }
            if (httpPort < 0 || httpPort > 65_535) {
                throw new IllegalArgumentException("kairosdb httpPort must be 0 (any free port) or 1-65535, got "
                        + httpPort);
            }
            if (heapMegabytes < 64) {
                throw new IllegalArgumentException("kairosdb heapMegabytes must be at least 64, got " + heapMegabytes);
            }
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("kairosdb startTimeout must be positive, got " + startTimeout);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Without it KairosDB logs every HTTP exchange at DEBUG. */
    private static final String LOGBACK = """
            <configuration>
              <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="out"/></root>
            </configuration>
            """;

    /** The file, in the data folder, that maps KairosDB's H2 URL to one with statspipe's settings. */
    public static final String H2_URL_MAP = "h2-urls.properties";

    private final Config config;
    private int httpPort;
    private ChildJvm jvm;

    public LocalKairosDb(Config config) {
        this.config = config;
        this.httpPort = config.httpPort();
    }

    public Config config() {
        return config;
    }

    /** Starts the server and waits until it answers; does nothing if it runs already. */
    public synchronized LocalKairosDb start() {
        if (jvm != null && jvm.isAlive()) {
            return this;
        }
        if (httpPort == 0) {
            httpPort = LoopbackPorts.free();
        }
        Path dir = config.dataDir().toAbsolutePath();
        Path conf = dir.resolve("conf").resolve("kairosdb.conf");
        Path queue = dir.resolve("queue");
        // outside conf/: KairosDB reads every file in its configuration folder as configuration
        Path logback = dir.resolve("logback.xml");
        try {
            // The file-backed ingest queue is corrupt after a kill; the memory queue avoids it,
            // and wiping the folder makes sure a stale one is never read.
            Folders.deleteRecursively(queue);
            Files.createDirectories(conf.getParent());
            Files.writeString(conf, configuration(dir), StandardCharsets.UTF_8);
            Files.writeString(logback, LOGBACK, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare kairosdb folder " + dir, e);
        }
        List<String> jvmOptions = new ArrayList<>(List.of(
                "-Xmx" + config.heapMegabytes() + "m",
                "-XX:+UseSerialGC",
                // Guice/cglib at start-up, and group_by queries (HTTP 500 without it), on Java 17
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + dir.resolve("tmp"),
                "-Dlogback.configurationFile=" + logback,
                "-Djava.net.preferIPv4Stack=true"));
        try {
            Files.createDirectories(dir.resolve("tmp"));
            if (config.datastore() == Datastore.H2) {
                jvmOptions.add("-Dh2.urlMap=" + writeH2UrlMap(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare kairosdb folder " + dir, e);
        }
        jvm = ChildJvm.start("kairosdb", jvmOptions, ServerClasspath.of("kairosdb-server"),
                "org.kairosdb.core.Main", List.of("-c", "run", "-p", conf.toString()), dir, dir.resolve("kairosdb.log"));
        jvm.awaitReady(this::answersVersion, config.startTimeout());
        LOG.info("KairosDB on {} started at {} (PID {}, data in {})", config.datastore(), httpUrl(), jvm.pid(), dir);
        return this;
    }

    /** Stops the server by its PID (it flushes its queue on the way) and waits until it is gone. */
    public synchronized void stop() {
        if (jvm != null) {
            jvm.stop(Duration.ofSeconds(20));
            LOG.info("KairosDB at {} stopped (PID {})", httpUrl(), jvm.pid());
            jvm = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return jvm != null && jvm.isAlive();
    }

    /** The server's PID; the server must be running. */
    public synchronized long pid() {
        if (jvm == null) {
            throw new IllegalStateException("kairosdb is not running");
        }
        return jvm.pid();
    }

    /** {@code http://127.0.0.1:PORT}; the port is known once the server was started. */
    public synchronized String httpUrl() {
        if (httpPort == 0) {
            throw new IllegalStateException("kairosdb has no port before its first start");
        }
        return "http://127.0.0.1:" + httpPort;
    }

    /**
     * Sizes H2's page cache: a quarter of the server's heap ({@link #h2CacheKilobytes}). KairosDB opens its H2
     * database by a URL of its own making ({@code jdbc:h2:<database_path>/kairosdb}) with no way to add
     * settings to it, and H2 sizes the cache by default at a sixteenth of the heap (48 MB of 768): over
     * a database of a few tens of thousands of series the lookups of metrics and tags then read the
     * same pages from disk again and again (in a profile of the benchmark suite's KairosDB, page reads
     * were more than half its CPU). H2's {@code h2.urlMap} maps a URL to another: KairosDB's URL to the
     * same with {@code CACHE_SIZE} (in KB). H2 adds any URL it opens that the map lacks, with an empty
     * value (no mapping): the map holding one entry after a start shows the mapping matched.
     *
     * @return the map's file
     */
    private Path writeH2UrlMap(Path dir) throws IOException {
        // the URL KairosDB's H2Datastore makes of its database_path (absolute here)
        String url = "jdbc:h2:" + h2Folder(dir).toString().replace('\\', '/') + "/kairosdb";
        Properties map = new Properties();
        map.setProperty(url, url + ";CACHE_SIZE=" + h2CacheKilobytes(config.heapMegabytes()));
        Path file = dir.resolve(H2_URL_MAP);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
            map.store(out, "written by statspipe's LocalKairosDb at every start: the page cache of KairosDB's H2");
        }
        return file;
    }

    /**
     * H2's page cache for a server of this heap, in KB: a quarter of it. The rest is KairosDB's:
     * under the benchmark suite's load its live heap after a collection was 40-250 MB.
     */
    static int h2CacheKilobytes(int heapMegabytes) {
        return heapMegabytes / 4 * 1024;
    }

    /** The server's kairosdb.conf (package-private for its test). */
    String configuration(Path dir) {
        StringBuilder c = new StringBuilder();
        c.append("# written by statspipe's LocalKairosDb at every start\n");
        c.append("kairosdb.jetty.address: \"127.0.0.1\"\n");
        c.append("kairosdb.jetty.port: ").append(httpPort).append('\n');
        // No telnet listener and no self-reporting: statspipe speaks HTTP, and the reporter's own
        // metrics would show up among the user's.
        c.append("kairosdb.service.telnet: \"<disabled>\"\n");
        c.append("kairosdb.service.reporter: \"<disabled>\"\n");
        c.append("kairosdb.telnetserver.address: \"127.0.0.1\"\n");
        c.append("kairosdb.queue_processor.class: \"org.kairosdb.core.queue.MemoryQueueProcessor\"\n");
        c.append("kairosdb.queue_processor.queue_path: ").append(quoted(dir.resolve("queue"))).append('\n');
        // KairosDB answers a write once the points are queued; its queue processor sleeps
        // min_batch_wait (500 ms by default) whenever fewer than min_batch_size points wait, so the
        // tail of every flush became readable up to half a second late. statspipe sends few large
        // requests (no chatty inserts to coalesce): look again after 50 ms.
        c.append("kairosdb.queue_processor.min_batch_wait: 50\n");
        c.append("kairosdb.query_cache.cache_dir: ").append(quoted(dir.resolve("cache"))).append('\n');
        // statspipe tag values may hold ':'; no value of ours may be read as a regular expression.
        c.append("kairosdb.queries.regex_prefix: \"~regex~\"\n");
        // statspipe's plugin (its jars are on the server's classpath): the statspipe_dist and
        // statspipe_gauge data point types and the statspipe_* aggregators
        for (String line : KairosPlugin.CONFIGURATION) {
            c.append(line).append('\n');
        }
        if (config.datastore() == Datastore.H2) {
            c.append("kairosdb.service.datastore: \"org.kairosdb.datastore.h2.H2Module\"\n");
            c.append("kairosdb.datastore.h2.database_path: ").append(quoted(h2Folder(dir))).append('\n');
        } else {
            c.append("kairosdb.service.datastore: \"org.kairosdb.datastore.cassandra.CassandraModule\"\n");
            c.append("kairosdb.datastore.cassandra.write_cluster.cql_host_list: [\"")
                    .append(config.cassandraHost().replace(",", "\", \"")).append("\"]\n");
            if (config.replicationFactor() == 1) {
                // one node: a write is complete when that node has it
                c.append("kairosdb.datastore.cassandra.write_cluster.write_consistency_level: \"ONE\"\n");
            } else {
                // a ring (docs/RING.md): two of three replicas answer a write and two a read, so every
                // acknowledged write is read back while one replica of any set is down. KairosDB's
                // defaults are RF 1 and reads at ONE: both are set here.
                c.append("kairosdb.datastore.cassandra.write_cluster.replication: \"{'class': 'SimpleStrategy', ")
                        .append("'replication_factor': ").append(config.replicationFactor()).append("}\"\n");
                c.append("kairosdb.datastore.cassandra.write_cluster.read_consistency_level: \"QUORUM\"\n");
                c.append("kairosdb.datastore.cassandra.write_cluster.write_consistency_level: \"QUORUM\"\n");
            }
        }
        return c.toString();
    }

    private static Path h2Folder(Path dir) {
        return dir.resolve("h2db");
    }

    private static String quoted(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\") + "\"";
    }

    private boolean answersVersion() {
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create(httpUrl() + "/api/v1/version").toURL()
                    .openConnection();
            http.setConnectTimeout(500);
            http.setReadTimeout(2000);
            try {
                return http.getResponseCode() == 200;
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Builds a {@link Config}: H2, a free port, 256 MB heap and a 3-minute start timeout unless told otherwise. */
    public static final class Builder {
        private Path dataDir;
        private Datastore datastore = Datastore.H2;
        private String cassandraHost = "";
        private int replicationFactor = 1;
        private int httpPort;
        private int heapMegabytes = 256;
        private Duration startTimeout = Duration.ofMinutes(3);

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder h2() {
            this.datastore = Datastore.H2;
            return this;
        }

        /** Keep the data in Cassandra, reached at {@code host:port} (its CQL port). */
        public Builder cassandra(String hostAndPort) {
            this.datastore = Datastore.CASSANDRA;
            this.cassandraHost = hostAndPort;
            return this;
        }

        /**
         * Keep the data in a Cassandra ring, reached first at these {@code host:port} (CQL ports), in a
         * keyspace of this replication factor, read and written at QUORUM.
         */
        public Builder cassandraRing(List<String> hostsAndPorts, int replicationFactor) {
            this.datastore = Datastore.CASSANDRA;
            this.cassandraHost = String.join(",", hostsAndPorts);
            this.replicationFactor = replicationFactor;
            return this;
        }

        public Builder httpPort(int httpPort) {
            this.httpPort = httpPort;
            return this;
        }

        public Builder heapMegabytes(int heapMegabytes) {
            this.heapMegabytes = heapMegabytes;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public Config config() {
            return new Config(dataDir, datastore, cassandraHost, replicationFactor, httpPort, heapMegabytes, startTimeout);
        }

        public LocalKairosDb build() {
            return new LocalKairosDb(config());
        }
    }
}
