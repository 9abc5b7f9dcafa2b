package io.statspipe.app.cli;

import io.statspipe.app.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code statspipe load}: generated counter traffic through the ingest API, with a progress line. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Generate counter events (metric load.events, tags tenant and series) and send them through the "
                + "HTTP ingest API, printing events/s as it goes. At the end it prints how many events were "
                + "acknowledged: query load.events afterwards and the count must match."})
public final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--url", description = ApiClient.URL_DESCRIPTION)
    String url;

    @Mixin
    TokenOptions tokens;

    @Option(names = "--events", defaultValue = "100000", description = "Events to send (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--rate", defaultValue = "0", description = "Target events per second, 0 for as fast as it goes (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--series", defaultValue = "100", description = "Distinct series (default: ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--tenant", defaultValue = "load", description = "Tenant tag of every event (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--batch", defaultValue = "5000", description = "Events per HTTP request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (events < 1 || series < 1 || batch < 1 || rate < 0) {
            err.println("statspipe load: --events, --series and --batch must be at least 1, --rate zero or more");
            return 2;
        }
        Settings settings = config.settings();
        ApiClient client = ApiClient.of(url, settings);
        Optional<TokenOptions.Bearer> bearer = tokens.bearer(settings);
        long start = System.nanoTime();
        long sent = 0;
        long lastPrint = 0;
        StringBuilder body = new StringBuilder();
        while (sent < events) {
            int n = (int) Math.min(batch, events - sent);
            body.setLength(0);
            for (int i = 0; i < n; i++) {
                body.append("load.events:1|c|#tenant:").append(tenant).append(",series:s").append((sent + i) % series).append('\n');
            }
            ApiClient.Answer answer;
            try {
                answer = client.postBatch(SendCommand.INGEST_PATH, body.toString(), bearer.map(TokenOptions.Bearer::token));
            } catch (IOException e) {
                err.printf("%nstatspipe load: %s; %d events acknowledged%n", e.getMessage(), sent);
                return 2;
            }
            if (answer.status() != 200 || answer.body().path("accepted").asLong() != n) {
                err.printf("%nstatspipe load: batch refused (%d): %s%s; %d events acknowledged%n", answer.status(), answer.error(),
                        TokenOptions.whichToken(answer.status(), bearer), sent);
                return 2;
            }
            sent += n;
            long elapsedNanos = System.nanoTime() - start;
            if (rate > 0) {
                long due = TimeUnit.SECONDS.toNanos(1) * sent / rate;
                if (due > elapsedNanos) {
                    TimeUnit.NANOSECONDS.sleep(due - elapsedNanos);
                }
            }
            long now = System.nanoTime();
            if (now - lastPrint > 500_000_000L || sent == events) {
                lastPrint = now;
                double seconds = Math.max(1e-9, (now - start) / 1e9);
                out.printf("\rstatspipe load: %,d / %,d events, %,.0f events/s   ", sent, events, sent / seconds);
                out.flush();
            }
        }
        out.printf("%nstatspipe load: %d events acknowledged, tenant %s, %d series of load.events%n", sent, tenant, series);
        out.flush();
        return 0;
    }
}
