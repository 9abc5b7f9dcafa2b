package io.statspipe.app.cli;

import io.statspipe.app.config.Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code statspipe send}: StatsD lines from the arguments or standard input, through the HTTP
 * ingest API in batches. Each batch is acknowledged only once the agent spooled it durably, so
 * exit code 0 means every line is safe. Each batch carries its own {@code Idempotency-Key} and is
 * sent again under it when its answer is lost, so a retry never counts a line twice.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send StatsD lines (from the arguments, or standard input when there are none) to a running "
                + "statspipe through its HTTP ingest API, in batches.",
                "Each batch carries an Idempotency-Key and is sent again under it (up to 4 times) when its answer is lost: "
                        + "the agent counts it once.",
                "Exits 0 only once the agent acknowledged every line as durably spooled. On any failure it exits "
                        + "non-zero and says how many lines were acknowledged.",
                "Example: echo 'page.views:1|c|#tenant:acme,page:home' | statspipe send"},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every line acknowledged", "1:some lines refused as malformed (the rest acknowledged)",
                "2:statspipe unreachable or an error: only the lines reported were acknowledged"})
public final class SendCommand implements Callable<Integer> {
    /** Where statspipe's HTTP API takes StatsD lines (see README.md, "Sending stats over HTTP"). */
    public static final String INGEST_PATH = io.statspipe.adapter.ingest.IngestEndpoint.PATH;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--url", description = ApiClient.URL_DESCRIPTION)
    String url;

    @Mixin
    TokenOptions tokens;

    @Option(names = "--batch", defaultValue = "5000", description = "Lines per HTTP request (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Parameters(paramLabel = "LINE", arity = "0..*", description = "StatsD lines, e.g. 'page.views:1|c|#tenant:acme'.")
    List<String> lines = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batchSize < 1) {
            err.println("statspipe send: --batch must be at least 1, got " + batchSize);
            return 2;
        }
        Settings settings = config.settings();
        ApiClient client = ApiClient.of(url, settings);
        Optional<TokenOptions.Bearer> bearer = tokens.bearer(settings);
        Iterator<String> source = lines.isEmpty()
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().iterator()
                : lines.iterator();
        long acknowledged = 0;
        long refused = 0;
        List<String> batch = new ArrayList<>(Math.min(batchSize, 100_000));
        while (source.hasNext()) {
            String line = source.next();
            if (line.isBlank()) {
                continue;
            }
            batch.add(line);
            if (batch.size() == batchSize || !source.hasNext()) {
                try {
                    ApiClient.Answer answer = client.postBatch(INGEST_PATH, String.join("\n", batch) + "\n", bearer.map(TokenOptions.Bearer::token));
                    if (answer.status() != 200) {
                        err.printf("statspipe send: statspipe refused a batch of %d lines: %s%s%n", batch.size(), answer.error(),
                                TokenOptions.whichToken(answer.status(), bearer));
                        err.printf("statspipe send: %d lines acknowledged before it; that batch and the rest were not sent%n",
                                acknowledged);
                        return 2;
                    }
                    long accepted = answer.body().path("accepted").asLong(-1);
                    if (accepted < 0) {
                        err.printf("statspipe send: the ingest API answered without an 'accepted' count: %s%n", answer.body());
                        err.printf("statspipe send: %d lines acknowledged before it%n", acknowledged);
                        return 2;
                    }
                    acknowledged += accepted;
                    for (var r : answer.body().path("refused")) {
                        refused++;
                        if (refused <= 20) {
                            err.printf("statspipe send: refused: %s%n", r.isTextual() ? r.asText() : r.toString());
                        }
                    }
                } catch (IOException e) {
                    err.printf("statspipe send: %s%n", e.getMessage());
                    err.printf("statspipe send: %d lines acknowledged; the batch in flight (%d lines, sent %d times under one "
                            + "Idempotency-Key) may or may not have been spooled, the rest was not sent%n", acknowledged,
                            batch.size(), ApiClient.BATCH_ATTEMPTS);
                    return 2;
                }
                batch.clear();
            }
        }
        if (refused > 0) {
            err.printf("statspipe send: %d lines acknowledged, %d refused as malformed%n", acknowledged, refused);
            return 1;
        }
        out.printf("statspipe send: %d lines acknowledged (durably spooled)%n", acknowledged);
        out.flush();
        return 0;
    }
}
