package io.statspipe.adapter.kairosdb.server;

import io.statspipe.ports.local.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single Cassandra node (cassandra-all, KairosDB's production datastore) in a child JVM, every
 * listener on 127.0.0.1: native (CQL) transport, storage (gossip) port and local-only JMX.
 * Ports are chosen on the first {@link #start()} and kept across restarts.
 */
public final class LocalCassandra implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCassandra.class);

    /** Cassandra's own {@code jvm17-server.options} module flags; it does not start on Java 17 without them. */
    private static final List<String> JAVA17_OPTIONS = List.of(
            "-Djdk.attach.allowAttachSelf=true",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true");

    /**
     * How to run the node.
     *
     * @param dataDir       folder for data, commit log, configuration and log
     * @param heapMegabytes the node JVM's maximum heap
     * @param startTimeout  how long the node may take to open its CQL port
     */
    public record Config(Path dataDir, int heapMegabytes, Duration startTimeout) {
        public Config {
            if (dataDir == null) {
                throw new IllegalArgumentException("cassandra dataDir must be given");
            }
            if (heapMegabytes < 128) {
                throw new IllegalArgumentException("cassandra heapMegabytes must be at least 128, got " + heapMegabytes);
            }
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("cassandra startTimeout must be positive, got " + startTimeout);
            }
        }

        /** 256 MB heap, 3 minutes to start. */
        public static Config in(Path dataDir) {
            return new Config(dataDir, 256, Duration.ofMinutes(3));
        }
    }

    /** Without it Cassandra logs at DEBUG: a log of hundreds of megabytes. */
    private static final String LOGBACK = """
            <configuration>
              <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="out"/></root>
            </configuration>
            """;

    private final Config config;
    private int nativePort;
    private int storagePort;
    private int jmxPort;
    private ChildJvm jvm;
    private String seedProviderClass = "org.apache.cassandra.locator.SimpleSeedProvider";
    private Map<String, String> seedProviderParameters = Map.of();
    private List<Path> pluginClasspath = List.of();

    public LocalCassandra(Config config) {
        this.config = config;
    }

    /**
     * Seeds from {@code className} (a Cassandra {@code SeedProvider}) with these parameters instead
     * of the node itself, its jars appended to the node's classpath (so Cassandra's own jars win
     * where both carry a library). Before {@link #start()}.
     */
    public synchronized LocalCassandra seedProvider(String className, Map<String, String> parameters, List<Path> classpath) {
        this.seedProviderClass = className;
        this.seedProviderParameters = Map.copyOf(parameters);
        this.pluginClasspath = List.copyOf(classpath);
        return this;
    }

    /**
     * The module flags Cassandra needs on Java 17, for a node started by other means than this class
     * (the ring rehearsal starts each node in a network namespace of its own).
     */
    public static List<String> java17Options() {
        return JAVA17_OPTIONS;
    }

    /** A node's logback configuration: INFO to the console. */
    public static String logbackConfiguration() {
        return LOGBACK;
    }

    /** Cassandra's jars, as the build resolved them. */
    public static List<Path> serverClasspath() {
        return ServerClasspath.of("cassandra-server");
    }

    public synchronized LocalCassandra start() {
        if (jvm != null && jvm.isAlive()) {
            return this;
        }
        if (nativePort == 0) {
            nativePort = LoopbackPorts.free();
            storagePort = LoopbackPorts.free();
            jmxPort = LoopbackPorts.free();
        }
        Path dir = config.dataDir().toAbsolutePath();
        Path yaml = dir.resolve("conf").resolve("cassandra.yaml");
        Path logback = dir.resolve("conf").resolve("logback.xml");
        try {
            Files.createDirectories(yaml.getParent());
            Files.writeString(yaml, yaml(dir), StandardCharsets.UTF_8);
            Files.writeString(logback, LOGBACK, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare cassandra folder " + dir, e);
        }
        List<String> options = new ArrayList<>(List.of(
                "-Xms" + config.heapMegabytes() + "m", "-Xmx" + config.heapMegabytes() + "m",
                "-XX:+UseSerialGC",
                "-Djava.net.preferIPv4Stack=true",
                "-Dcassandra.config=" + yaml.toUri(),
                "-Dcassandra-foreground=yes",
                "-Dlogback.configurationFile=" + logback,
                "-Dcassandra.storagedir=" + dir,
                "-Dcassandra.logdir=" + dir.resolve("logs"),
                // one node, nobody to gossip with: do not wait for a ring to settle
                "-Dcassandra.ring_delay_ms=100",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                // JMX on 127.0.0.1 only
                "-Dcassandra.jmx.local.port=" + jmxPort,
                "-Djava.io.tmpdir=" + dir.resolve("tmp")));
        options.addAll(JAVA17_OPTIONS);
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare cassandra folder " + dir, e);
        }
        List<Path> classpath = new ArrayList<>(serverClasspath());
        classpath.addAll(pluginClasspath);
        jvm = ChildJvm.start("cassandra", options, classpath,
                "org.apache.cassandra.service.CassandraDaemon", List.of(), dir, dir.resolve("cassandra.log"));
        jvm.awaitReady(() -> ChildJvm.portOpen(nativePort), config.startTimeout());
        LOG.info("Cassandra started, CQL at {} (PID {}, data in {})", cqlHost(), jvm.pid(), dir);
        return this;
    }

    public synchronized void stop() {
        if (jvm != null) {
            jvm.stop(Duration.ofSeconds(30));
            LOG.info("Cassandra at {} stopped (PID {})", cqlHost(), jvm.pid());
            jvm = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized long pid() {
        if (jvm == null) {
            throw new IllegalStateException("cassandra is not running");
        }
        return jvm.pid();
    }

    /** The node's internode (storage) port on 127.0.0.1. */
    public synchronized int storagePort() {
        requirePorts();
        return storagePort;
    }

    /** The node's JMX port on 127.0.0.1 (no authentication, loopback only), as nodetool uses it. */
    public synchronized int jmxPort() {
        requirePorts();
        return jmxPort;
    }

    private void requirePorts() {
        if (nativePort == 0) {
            throw new IllegalStateException("cassandra has no port before its first start");
        }
    }

    /** {@code 127.0.0.1:PORT} of the CQL transport, as {@link LocalKairosDb.Builder#cassandra} takes it. */
    public synchronized String cqlHost() {
        if (nativePort == 0) {
            throw new IllegalStateException("cassandra has no port before its first start");
        }
        return "127.0.0.1:" + nativePort;
    }

    private String seedProviderSection() {
        Map<String, String> parameters = seedProviderParameters.isEmpty()
                ? Map.of("seeds", "127.0.0.1:" + storagePort) : new TreeMap<>(seedProviderParameters);
        StringBuilder section = new StringBuilder("seed_provider:\n  - class_name: " + seedProviderClass + "\n    parameters:");
        String indent = "\n      - ";
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            section.append(indent).append(parameter.getKey()).append(": \"").append(parameter.getValue()).append('"');
            indent = "\n        ";
        }
        return section.toString();
    }

    private String yaml(Path dir) {
        return String.join("\n",
                "# written by statspipe's LocalCassandra at every start",
                "cluster_name: statspipe-local",
                "num_tokens: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "endpoint_snitch: SimpleSnitch",
                "authenticator: AllowAllAuthenticator",
                "authorizer: AllowAllAuthorizer",
                "listen_address: 127.0.0.1",
                "rpc_address: 127.0.0.1",
                "native_transport_port: " + nativePort,
                "storage_port: " + storagePort,
                "start_native_transport: true",
                seedProviderSection(),
                "data_file_directories:",
                "  - " + dir.resolve("data"),
                "commitlog_directory: " + dir.resolve("commitlog"),
                "saved_caches_directory: " + dir.resolve("saved_caches"),
                "hints_directory: " + dir.resolve("hints"),
                "cdc_raw_directory: " + dir.resolve("cdc_raw"),
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "disk_access_mode: mmap_index_only",
                "concurrent_reads: 4",
                "concurrent_writes: 4",
                "concurrent_counter_writes: 4",
                "memtable_heap_space: 64MiB",
                "memtable_offheap_space: 64MiB",
                "key_cache_size: 8MiB",
                "auto_snapshot: false",
                "dynamic_snitch: false",
                "");
    }
}
