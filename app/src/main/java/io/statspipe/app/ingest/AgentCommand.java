package io.statspipe.app.ingest;

import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.IdempotencyWindow;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.app.api.TenantTokens;
import io.statspipe.app.cli.ConfigOptions;
import io.statspipe.app.config.Settings;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code statspipe agent}: the store-and-forward agent with StatsD UDP and HTTP ingest, until
 * stopped. Its HTTP ingest is {@code statspipe up}'s: the same path, answers, tokens
 * ({@code statspipe.api.tokens}, {@code statspipe.ingest.require-token}), limits and TLS
 * ({@code statspipe.api.*}), read from the configuration ({@code --config}, {@code --set}), like
 * its Kafka clients' properties ({@code statspipe.event-log.client}).
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Take stats in (StatsD over UDP, JSON over HTTP), spool them on local disk and forward them to Kafka.")
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--kafka", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String kafka;

    @Option(names = "--spool", defaultValue = "spool", description = "Spool folder (default: ${DEFAULT-VALUE}).")
    Path spool;

    @Mixin
    ConfigOptions config;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address the endpoints listen on (default: ${DEFAULT-VALUE}). "
            + "Another address than loopback lets every host that reaches it send stats, and is logged as a WARN.")
    String bind;

    @Option(names = "--statsd-port", defaultValue = "8125", description = "StatsD UDP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int statsdPort;

    @Option(names = "--http-port", defaultValue = "8126", description = "HTTP ingest port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--partitions", defaultValue = "8", description = "Partitions of the events topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication", defaultValue = "1", description = "Replication of the topics (default: ${DEFAULT-VALUE}).")
    int replication;

    @Option(names = "--events-topic", defaultValue = TopicLayout.EVENTS, description = "Events topic (default: ${DEFAULT-VALUE}).")
    String eventsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = TopicLayout.DEAD_LETTERS, description = "Dead-letter topic (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--spool-max-bytes", defaultValue = "1073741824", description = "Most bytes the spool keeps; beyond, new input is refused and counted (default: ${DEFAULT-VALUE}).")
    long spoolMaxBytes;

    @Option(names = "--spool-segment-bytes", defaultValue = "67108864", description = "Spool segment size (default: ${DEFAULT-VALUE}).")
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
        Settings configured = config.settings();
        AgentSettings settings = new AgentSettings(kafka,
                new TopicLayout(eventsTopic, deadLetterTopic, partitions, (short) replication),
                new SpoolSettings(spool, spoolMaxBytes, spoolSegmentBytes, Duration.ofMillis(fsyncIntervalMs)),
                AgentSettings.DEFAULT_UNREACHABLE_AFTER, configured.eventLog().client().properties(),
                new IdempotencyWindow(idempotencyWindow, idempotencyMaxKeys, IdempotencyWindow.DEFAULT.maxAnswerBytes()));
        IngestEndpoint.Access access = new IngestEndpoint.Access(new TenantTokens(configured.api().tokens()),
                configured.ingest().requireToken());
        RunningAgent running = RunningAgent.start(settings, new InetSocketAddress(bind, statsdPort),
                new InetSocketAddress(bind, httpPort), access, configured.api().edge(), configured.api().tls(),
                configured.statsd().gaugeDeltas());
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
}
