package io.statspipe.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code statspipe status}: lag, spool depth, flush latency, late and dead-lettered counts. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running statspipe's health: readiness, consumer lag, spool depth, flush latency, "
                + "late and dead-lettered counts.")
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--url", description = ApiClient.URL_DESCRIPTION)
    String url;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ApiClient client = ApiClient.of(url, config.settings());
        try {
            ApiClient.Answer health = client.get("/health", Optional.empty());
            ApiClient.Answer status = client.get("/api/v1/status", Optional.empty());
            JsonNode s = status.body();
            out.printf("statspipe at %s: %s%n", client.baseUrl(), health.body().path("status").asText("unknown"));
            if (health.status() != 200) {
                out.printf("  waiting for:        %s%n", health.body().path("waiting_for"));
            }
            out.printf("  ingested events:    %d (%d lines refused, %d DogStatsD events and service checks ignored)%n",
                    s.path("ingestedEvents").asLong(), s.path("refusedLines").asLong(), s.path("ignoredLines").asLong());
            out.printf("  spool:              %d batches not yet in Kafka, %d bytes of spool segments on disk%n", s.path("spoolRecords").asLong(),
                    s.path("spoolBytes").asLong());
            long lag = 0;
            for (JsonNode l : s.path("lagByPartition")) {
                lag += l.asLong();
            }
            out.printf("  consumer lag:       %d records %s%n", lag, s.path("lagByPartition"));
            out.printf("  flushes:            %d (last %d ms, max %d ms)%n", s.path("flushes").asLong(),
                    s.path("lastFlushMillis").asLong(), s.path("maxFlushMillis").asLong());
            out.printf("  events counted:     %d%n", s.path("eventsCounted").asLong());
            out.printf("  late events:        %d%n", s.path("lateEvents").asLong());
            out.printf("  dead-lettered:      %d%n", s.path("deadLetters").asLong());
            out.printf("  store failures:     %d%n", s.path("storeFailures").asLong());
            out.printf("  refused partials:   %d (the store refused them; in the dead-letter topic)%n",
                    s.path("partialsRefused").asLong());
            out.printf("  rewritten flushes:  %d (the store acknowledged them but the read-back did not find them in time)%n",
                    s.path("readBackRewrites").asLong());
            StringBuilder active = new StringBuilder();
            s.path("activeSeriesByTenant").fields().forEachRemaining(e -> active.append(active.isEmpty() ? "" : ", ")
                    .append(e.getKey().isEmpty() ? "(no tenant)" : e.getKey()).append(' ').append(e.getValue().asLong()));
            out.printf("  active series:      %s%n", active.isEmpty() ? "none yet" : active);
            StringBuilder fast = new StringBuilder();
            s.path("tooNewByProducer").fields().forEachRemaining(e -> fast.append(fast.isEmpty() ? "" : ", ")
                    .append(e.getKey()).append(' ').append(e.getValue().asLong()));
            out.printf("  clock ahead:        %s%n", fast.isEmpty() ? "none"
                    : fast + " events refused as TOO_NEW (the agent's clock runs ahead of the broker's; in the dead-letter topic)");
            out.flush();
            return health.status() == 200 ? 0 : 1;
        } catch (java.io.IOException e) {
            err.println("statspipe status: " + e.getMessage());
            return 2;
        }
    }
}
