package io.statspipe.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statspipe.app.config.Settings;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

/** {@code statspipe query}: a table and a sparkline of one series over a range, through the query API. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Query a running statspipe through its HTTP query API and print a table and a sparkline.",
                "Example: statspipe query page.views --tag tenant:acme --from -1h"})
public final class QueryCommand implements Callable<Integer> {
    private static final char[] BARS = "▁▂▃▄▅▆▇█".toCharArray();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "METRIC", description = "The metric, e.g. page.views.")
    String metric;

    @Option(names = "--kind", defaultValue = "counter", description = "counter, gauge, distribution or set (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--from", defaultValue = "-1h", description = "now, -30m/-2h/-7d, epoch ms or ISO-8601 (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--to", defaultValue = "now", description = "Same forms as --from (default: ${DEFAULT-VALUE}).")
    String to;

    @Option(names = "--resolution", defaultValue = "1m", description = "A resolution statspipe.rollup.rules keeps for the metric (the defaults keep 1m and 1h;"
            + " default: ${DEFAULT-VALUE}).")
    String resolution;

    @Option(names = "--aggregation", defaultValue = "sum", description = "count, sum, min, max, avg, last, p50, p99..., unique (sets) (default: ${DEFAULT-VALUE}).")
    String aggregation;

    @Option(names = "--tag", paramLabel = "KEY:VALUE", description = "Only series with this tag (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--group-by", split = ",", paramLabel = "KEY", description = "Group by these tag keys.")
    List<String> groupBy = new ArrayList<>();

    @Mixin
    TokenOptions tokens;

    @Option(names = "--url", description = ApiClient.URL_DESCRIPTION)
    String url;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = config.settings();
        ApiClient client = ApiClient.of(url, settings);
        StringBuilder q = new StringBuilder("/api/v1/query?metric=").append(ApiClient.enc(metric))
                .append("&kind=").append(ApiClient.enc(kind)).append("&from=").append(ApiClient.enc(from)).append("&to=").append(ApiClient.enc(to))
                .append("&resolution=").append(ApiClient.enc(resolution)).append("&aggregation=").append(ApiClient.enc(aggregation));
        tags.forEach(t -> q.append("&tag=").append(ApiClient.enc(t)));
        if (!groupBy.isEmpty()) {
            q.append("&group_by=").append(ApiClient.enc(String.join(",", groupBy)));
        }
        Optional<JsonNode> answer = tokens.call("query", client, settings, false, q.toString(), err);
        if (answer.isEmpty()) {
            return 1;
        }
        JsonNode body = answer.get();
        JsonNode results = body.path("results");
        if (results.isEmpty()) {
            out.printf("%s: no data in the range%n", metric);
        }
        for (JsonNode group : results) {
            out.printf("%s %s (%s per %s)%n", metric, group.path("group"), body.path("aggregation").asText(),
                    body.path("resolution").asText());
            List<Double> values = new ArrayList<>();
            for (JsonNode p : group.path("points")) {
                double v = p.get(1).asDouble();
                values.add(v);
                out.printf("  %s  %s%n", TIME.format(Instant.ofEpochMilli(p.get(0).asLong())), format(v));
            }
            out.printf("  %s%n", sparkline(values));
        }
        out.flush();
        return 0;
    }

    static String sparkline(List<Double> values) {
        if (values.isEmpty()) {
            return "";
        }
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            int i = max == min ? BARS.length - 1 : (int) Math.round((v - min) / (max - min) * (BARS.length - 1));
            s.append(BARS[i]);
        }
        return s.toString();
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format("%.3f", v);
    }

}
