package io.statspipe.app.ingest;

import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.IdempotencyWindow;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.adapter.http.IngestRoute;
import io.statspipe.adapter.http.TenantTokens;
import io.statspipe.app.cli.ConfigOptions;
import io.statspipe.app.config.Settings;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code statspipe agent}: the store-and-forward agent with StatsD UDP and HTTP ingest, until
 * stopped. It reads {@code statspipe up}'s configuration, with the same precedence ({@code --config}
 * or {@code $STATSPIPE_CONFIG}, then {@code STATSPIPE_*} variables, then {@code --set} and the
 * options below): Kafka ({@code statspipe.event-log.*}: the brokers, external or the embedded
 * broker's port, the events topic's partitions, the clients' properties), StatsD
 * ({@code statspipe.statsd.*}), the HTTP ingest ({@code statspipe.api.*}: port, tokens, limits, TLS;
 * {@code statspipe.ingest.require-token}) and the spool ({@code <statspipe.data-dir>/spool},
 * {@code statspipe.agent.spool-max-bytes}). Bad configuration stops it before it starts, naming the
 * key (exit code 3).
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Take stats in (StatsD over UDP, JSON over HTTP), spool them on local disk and forward them to Kafka.")
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--kafka", description = "Kafka bootstrap servers (statspipe.event-log.bootstrap-servers with "
            + "statspipe.event-log.engine = kafka; default: the embedded broker's port on 127.0.0.1, statspipe.event-log.port).")
    String kafka;

    @Option(names = "--data-dir", description = "Data folder, the spool in its spool folder (statspipe.data-dir, default: data).")
    String dataDir;

    @Option(names = "--spool", description = "Spool folder (default: the data folder's spool).")
    Path spool;

    @Option(names = "--bind", description = "Address the endpoints listen on (statspipe.statsd.bind and statspipe.api.bind, "
            + "default 127.0.0.1). Another address than loopback lets every host that reaches it send stats, and is logged as a WARN.")
    String bind;

    @Option(names = "--statsd-port", description = "StatsD UDP port, 0 for any free one (default: statspipe.statsd.port).")
    Integer statsdPort;

    @Option(names = "--http-port", description = "HTTP ingest port, 0 for any free one (default: statspipe.api.port).")
    Integer httpPort;

    @Option(names = "--partitions", description = "Partitions of the events topic (statspipe.event-log.partitions, default 8).")
    Integer partitions;

    @Option(names = "--replication", defaultValue = "1", description = "Replication of the topics (default: ${DEFAULT-VALUE}).")
    int replication;

    @Option(names = "--events-topic", defaultValue = TopicLayout.EVENTS, description = "Events topic (default: ${DEFAULT-VALUE}).")
    String eventsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = TopicLayout.DEAD_LETTERS, description = "Dead-letter topic (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--spool-max-bytes", description = "Most bytes the spool keeps; beyond, new input is refused and counted "
            + "(statspipe.agent.spool-max-bytes, default 1 GiB).")
    Long spoolMaxBytes;

    @Option(names = "--spool-segment-bytes", defaultValue = "67108864", description = "Spool segment size, at most the "
            + "spool's size (default: ${DEFAULT-VALUE}).")
    long spoolSegmentBytes;

    @Option(names = "--fsync-interval-ms", defaultValue = "5", description = "Group-commit period of the spool; 0 = fsync every append (default: ${DEFAULT-VALUE}).")
    long fsyncIntervalMs;

    @Option(names = "--idempotency-window", defaultValue = "PT24H", description = "How long an HTTP request's "
            + "Idempotency-Key is remembered with its answer, as an ISO-8601 duration (default: ${DEFAULT-VALUE}).")
    Duration idempotencyWindow;

    @Option(names = "--idempotency-max-keys", defaultValue = "100000", description = "Most Idempotency-Keys remembered; "
            + "the oldest are forgotten first (default: ${DEFAULT-VALUE}).")
    int idempotencyMaxKeys;

    @Override
    public Integer call() throws InterruptedException {
        Settings configured = config.settings(overrides());
        long maxBytes = configured.agent().spoolMaxBytes();
        AgentSettings settings = new AgentSettings(configured.eventLog().brokers(),
                new TopicLayout(eventsTopic, deadLetterTopic, configured.eventLog().partitions(), (short) replication),
                new SpoolSettings(spool != null ? spool : configured.dataDir().resolve("spool"), maxBytes,
                        Math.min(spoolSegmentBytes, maxBytes), Duration.ofMillis(fsyncIntervalMs)),
                AgentSettings.DEFAULT_UNREACHABLE_AFTER, configured.eventLog().client().properties(),
                new IdempotencyWindow(idempotencyWindow, idempotencyMaxKeys, IdempotencyWindow.DEFAULT.maxAnswerBytes()));
        IngestRoute.Access access = new IngestRoute.Access(new TenantTokens(configured.api().tokens()),
                configured.ingest().requireToken());
        // Port 0 (any free port) is for scripts and tests only: the configuration keys take real ports.
        RunningAgent running = RunningAgent.start(settings,
                new InetSocketAddress(configured.statsd().bind(), statsdPort != null ? statsdPort : configured.statsd().port()),
                new InetSocketAddress(configured.api().bind(), httpPort != null ? httpPort : configured.api().port()),
                access, configured.api().edge(), configured.api().tls(), configured.statsd().gaugeDeltas());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "agent-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        // one line that scripts (and tests) read to find the ports
        out.printf("statspipe agent ready: statsd=%d http=%d producer=%s%n", running.statsd().port(), running.http().port(),
                running.agent().producerId());
        out.flush();
        stopped.await();
        return 0;
    }

    /** The options that stand for configuration keys, as overrides over {@code --set}, like {@code statspipe up}'s. */
    private Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (kafka != null) {
            overrides.put("statspipe.event-log.engine", "kafka");
            overrides.put("statspipe.event-log.bootstrap-servers", kafka);
        }
        ConfigOptions.putIfSet(overrides, "statspipe.data-dir", dataDir);
        ConfigOptions.putIfSet(overrides, "statspipe.statsd.bind", bind);
        ConfigOptions.putIfSet(overrides, "statspipe.api.bind", bind);
        ConfigOptions.putIfSet(overrides, "statspipe.event-log.partitions", partitions);
        ConfigOptions.putIfSet(overrides, "statspipe.agent.spool-max-bytes", spoolMaxBytes);
        return overrides;
    }

}
