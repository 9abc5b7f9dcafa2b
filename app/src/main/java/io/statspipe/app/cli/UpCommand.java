package io.statspipe.app.cli;

import io.statspipe.adapter.storm.ScratchFolder;
import io.statspipe.adapter.http.LocalAdminToken;
import io.statspipe.app.config.Settings;
import io.statspipe.app.embedded.Pipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code statspipe up}: the whole pipeline on this machine, until Ctrl-C or SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on this machine, on 127.0.0.1: an embedded Kafka broker, a local "
                + "KairosDB server (H2 by default), the counting topology on Storm's LocalCluster, the legacy "
                + "MongoDB-protocol server when the migration needs it, and the agent with its StatsD (UDP) and HTTP "
                + "ingest. Data stays in the data folder across restarts. Ctrl-C or SIGTERM stops everything."})
public final class UpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--store", paramLabel = "h2|cassandra",
            description = "KairosDB's datastore: h2 (default) or cassandra (a local Cassandra: the production datastore).")
    String store;

    @Option(names = "--data-dir", description = "Data folder (statspipe.data-dir, default: data).")
    String dataDir;

    @Option(names = "--api-port", description = "statspipe's HTTP API port (statspipe.api.port, default 8070).")
    Integer apiPort;

    @Option(names = "--statsd-port", description = "StatsD UDP port (statspipe.statsd.port, default 8125).")
    Integer statsdPort;

    @Option(names = "--kairosdb-port", description = "KairosDB's API and UI port (statspipe.store.port, default 8080).")
    Integer kairosPort;

    @Option(names = "--kafka-port", description = "Embedded Kafka broker port (statspipe.event-log.port, default 9092).")
    Integer kafkaPort;

    @Option(names = "--kafka-controller-port", description = "Embedded Kafka controller port (statspipe.event-log.controller-port, default 9093).")
    Integer kafkaControllerPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> overrides = new LinkedHashMap<>();
        if (store != null) {
            overrides.put("statspipe.store.engine", switch (store) {
                case "h2" -> "kairosdb-h2";
                case "cassandra" -> "kairosdb-cassandra";
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--store must be h2 or cassandra, got '" + store + "'");
            });
        }
        ConfigOptions.putIfSet(overrides, "statspipe.data-dir", dataDir);
        ConfigOptions.putIfSet(overrides, "statspipe.api.port", apiPort);
        ConfigOptions.putIfSet(overrides, "statspipe.statsd.port", statsdPort);
        ConfigOptions.putIfSet(overrides, "statspipe.store.port", kairosPort);
        ConfigOptions.putIfSet(overrides, "statspipe.event-log.port", kafkaPort);
        ConfigOptions.putIfSet(overrides, "statspipe.event-log.controller-port", kafkaControllerPort);
        Settings settings = config.settings(overrides);
        out.println("statspipe: starting the pipeline (data in " + settings.dataDir().toAbsolutePath() + ") ...");
        out.flush();
        // Only the hash joins the settings: the token itself stays in its owner-only file.
        Settings withLocalAdmin = settings.withToken(LocalAdminToken.ensure(settings.dataDir()));
        ScratchFolder scratch = ScratchFolder.claim(settings.dataDir());
        Pipeline pipeline;
        try {
            pipeline = Pipeline.start(withLocalAdmin);
        } catch (Exception | Error e) {
            scratch.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("statspipe: stopping ...");
            pipeline.close();
            scratch.close();
            System.err.println("statspipe: stopped");
            stopped.countDown();
        }, "statspipe-shutdown"));
        banner(out, pipeline, settings);
        stopped.await();
        return 0;
    }

    private static void banner(PrintWriter out, Pipeline pipeline, Settings settings) {
        out.println();
        out.println("statspipe is up. What runs where:");
        pipeline.endpointsInOrder().forEach((what, where) -> out.printf("  %-52s %s%n", what, where));
        out.println();
        out.println("Send a first stat:");
        out.printf("  echo -n 'page.views:1|c|#tenant:acme,page:home' | nc -u -w0 127.0.0.1 %d%n", settings.statsd().port());
        out.printf("  echo 'page.views:1|c|#tenant:acme,page:home' | ./statspipe send%s%n", clientOptions(settings));
        out.printf("  curl -s --data-binary 'page.views:1|c|#tenant:acme' %s/api/v1/ingest%n", settings.api().baseUrl());
        out.println("Query it (after the next flush, a few seconds):");
        out.printf("  ./statspipe query page.views --tag tenant:acme%s%n", clientOptions(settings));
        out.printf("  (query, send and load use the administrator token in %s, readable only by you;%n",
                LocalAdminToken.file(settings.dataDir()).toAbsolutePath());
        out.println("   a token per tenant: ./statspipe token create --tenant acme --scope query,ingest)");
        out.printf("  KairosDB's UI: %s%n", settings.store().kairosUrl());
        out.printf("Health: %s/health   Metrics: %s/metrics   Stop: Ctrl-C%n", settings.api().baseUrl(), settings.api().baseUrl());
        out.flush();
    }

    /** What a client command run from here needs to find this pipeline and its administrator token. */
    private static String clientOptions(Settings settings) {
        return (settings.dataDir().equals(Path.of("data")) ? "" : " --data-dir " + settings.dataDir().toAbsolutePath())
                + (settings.api().port() == 8070 ? "" : " --url " + settings.api().baseUrl());
    }
}
