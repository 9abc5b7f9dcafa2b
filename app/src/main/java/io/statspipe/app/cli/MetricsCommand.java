package io.statspipe.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statspipe.app.config.Settings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code statspipe metrics}: the metrics a token may read, or one metric's tags, through the listing API. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = {"List the metrics with data (their kinds and number of series), or one metric's tag keys and values,",
                "of the token's tenant (every tenant for an administrator's token).",
                "Example: statspipe metrics; statspipe metrics page.views"})
public final class MetricsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", arity = "0..1", paramLabel = "METRIC", description = "Show this metric's tags instead.")
    String metric;

    @Option(names = "--prefix", defaultValue = "", description = "Only metrics starting with this.")
    String prefix;

    @Option(names = "--from", defaultValue = "-7d", description = "now, -30m/-2h/-7d, epoch ms or ISO-8601 (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--to", defaultValue = "now", description = "Same forms as --from (default: ${DEFAULT-VALUE}).")
    String to;

    @Mixin
    TokenOptions tokens;

    @Option(names = "--url", description = ApiClient.URL_DESCRIPTION)
    String url;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = config.settings();
        String range = "from=" + ApiClient.enc(from) + "&to=" + ApiClient.enc(to);
        String path = metric == null ? "/api/v1/metrics?prefix=" + ApiClient.enc(prefix) + "&" + range
                : "/api/v1/tags?metric=" + ApiClient.enc(metric) + "&" + range;
        Optional<JsonNode> answer = tokens.call("metrics", ApiClient.of(url, settings), settings, false, path, err);
        if (answer.isEmpty()) {
            return 1;
        }
        if (metric == null) {
            printMetrics(out, answer.get().path("metrics"));
        } else {
            printTags(out, answer.get().path("tags"));
        }
        out.flush();
        return 0;
    }

    private void printMetrics(PrintWriter out, JsonNode metrics) {
        if (metrics.isEmpty()) {
            out.println("no metrics with data in the range");
        }
        int width = 0;
        for (JsonNode m : metrics) {
            width = Math.max(width, m.path("metric").asText().length());
        }
        for (JsonNode m : metrics) {
            List<String> kinds = new ArrayList<>();
            m.path("kinds").forEach(k -> kinds.add(k.asText()));
            int series = m.path("series").asInt();
            out.printf("%-" + width + "s  %-22s  %d series%n", m.path("metric").asText(), String.join(",", kinds), series);
        }
    }

    private void printTags(PrintWriter out, JsonNode tags) {
        if (tags.isEmpty()) {
            out.printf("%s: no series with data in the range%n", metric);
        }
        tags.properties().forEach(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            out.printf("%s: %s%n", e.getKey(), String.join(", ", values));
        });
    }

}
