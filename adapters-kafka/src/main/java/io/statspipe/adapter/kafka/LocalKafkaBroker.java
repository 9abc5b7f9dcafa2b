package io.statspipe.adapter.kafka;

import io.statspipe.ports.local.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft: broker and controller in one), running inside this JVM on
 * 127.0.0.1, for tests and the embedded mode. Its ports are chosen once (free ports unless
 * given), so {@link #stop()} followed by {@link #start()} restarts it on the same data folder
 * and the same address: clients reconnect by themselves.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** The user the broker signs in to its own SASL listener as. */
    public static final String BROKER_USER = "statspipe-broker";

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    /** Users and passwords of a SASL/PLAIN client listener; empty: a PLAINTEXT one. */
    private final Map<String, String> saslUsers;
    private KafkaRaftServer server;

    /** A broker on free ports, keeping its data in {@code dataDir}. */
    public LocalKafkaBroker(Path dataDir) {
        this(dataDir, 0, 0, Map.of());
    }

    /**
     * @param port the client port, 0 for a free one
     * @param controllerPort the KRaft controller port, 0 for a free one
     * @param overrides broker settings that replace the defaults (e.g. {@code num.partitions})
     */
    public LocalKafkaBroker(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
        this(dataDir, port == 0 ? LoopbackPorts.free() : port, controllerPort == 0 ? LoopbackPorts.free() : controllerPort, overrides, Map.of());
    }

    private LocalKafkaBroker(Path dataDir, int port, int controllerPort, Map<String, String> overrides,
                             Map<String, String> saslUsers) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.overrides = Map.copyOf(overrides);
        this.saslUsers = Map.copyOf(saslUsers);
    }

    /**
     * The same broker (folder and ports), not started, whose client listener takes only
     * SASL_PLAINTEXT with mechanism PLAIN and these users ({@code user -> password}); the
     * controller listener stays PLAINTEXT. The broker signs in to itself as {@value #BROKER_USER}.
     */
    public LocalKafkaBroker withSaslPlain(Map<String, String> passwordsByUser) {
        if (passwordsByUser.isEmpty() || passwordsByUser.containsKey(BROKER_USER)) {
            throw new IllegalArgumentException("SASL users must be given, and not named " + BROKER_USER);
        }
        Map<String, String> users = new TreeMap<>(passwordsByUser);
        users.put(BROKER_USER, Uuid.randomUuid().toString());
        return new LocalKafkaBroker(dataDir, port, controllerPort, overrides, users);
    }

    /** What a Kafka client needs to sign in with SASL/PLAIN over SASL_PLAINTEXT as {@code user}. */
    public static Map<String, String> saslPlainClient(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    /** What the broker's own clients (its readiness check) need: empty for PLAINTEXT. */
    private Map<String, String> ownClient() {
        return saslUsers.isEmpty() ? Map.of() : saslPlainClient(BROKER_USER, saslUsers.get(BROKER_USER));
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Formats the data folder on first use, starts the broker and waits until it answers. */
    public synchronized LocalKafkaBroker start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
            Properties props = properties();
            if (!Files.exists(logDir().resolve("meta.properties"))) {
                format(props);
            }
            KafkaRaftServer started = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            started.startup();
            server = started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data folder " + dataDir, e);
        }
        awaitReady();
        LOG.info("Kafka broker listening on {}{} (data in {})", bootstrapServers(), saslUsers.isEmpty() ? ""
                : " (SASL_PLAINTEXT, PLAIN)", dataDir);
        return this;
    }

    /** Stops the broker; its data stays for a later {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer stopping = server;
        server = null;
        stopping.shutdown();
        stopping.awaitShutdown();
        LOG.info("Kafka broker on {} stopped", bootstrapServers());
    }

    @Override
    public void close() {
        stop();
    }

    private Path logDir() {
        return dataDir.resolve("kraft-logs");
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String client = saslUsers.isEmpty() ? "PLAINTEXT" : "SASL_PLAINTEXT";
        p.put("listeners", client + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", client + "://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", client);
        p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
        if (!saslUsers.isEmpty()) {
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                    .append(" username=\"").append(BROKER_USER).append("\" password=\"").append(saslUsers.get(BROKER_USER))
                    .append('"');
            saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
            p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        }
        p.put("log.dirs", logDir().toString());
        // one node: every internal topic has a single replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // topics are created on purpose (TopicLayout), never by a consumer asking for metadata first:
        // an auto-created events topic would have the wrong partition count
        p.put("auto.create.topics.enable", "false");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.putAll(overrides);
        return p;
    }

    private void format(Properties props) throws IOException {
        Path config = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(w, "statspipe local broker");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toString()}, out);
        }
        if (status != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir() + " failed ("
                    + status + "): " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> config = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
        config.putAll(ownClient());
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker on " + bootstrapServers()
                                + " not ready after " + READY_TIMEOUT, e);
                    }
                }
                if (pauseIsPast(deadline)) {
                    throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " not ready after " + READY_TIMEOUT);
                }
            }
        }
    }

    /** Sleeps briefly; true when the deadline has passed (or the thread was interrupted). */
    private static boolean pauseIsPast(long deadline) {
        try {
            Thread.sleep(100);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return true;
        }
        return System.nanoTime() > deadline;
    }
}
