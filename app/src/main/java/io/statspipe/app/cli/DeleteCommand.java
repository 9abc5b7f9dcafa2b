package io.statspipe.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statspipe.app.config.Settings;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code statspipe delete}: a tenant's data points, of one metric or all, over a range; a dry run unless {@code --yes}. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a tenant's data points (of one metric, or all its metrics) from the store, with an administrator's token.",
                "Without --yes it only prints what it would delete.",
                "Example: statspipe delete --tenant acme --metric page.views --from 2026-11-26T10:00:00Z --to 2026-11-26T12:00:00Z"})
public final class DeleteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--tenant", required = true, description = "The tenant whose points to delete.")
    String tenant;

    @Option(names = "--metric", description = "Only this metric (every kind and resolution of it). Default: all the tenant's metrics.")
    String metric;

    @Option(names = "--from", description = "A whole hour: -2h, epoch ms or ISO-8601. Default: the first point there is.")
    String from;

    @Option(names = "--to", description = "A whole hour, not included. Default: past the last point there is.")
    String to;

    @Option(names = "--yes", description = "Delete. Without it, only print what would be deleted.")
    boolean yes;

    @Mixin
    TokenOptions tokens;

    @Option(names = "--url", description = ApiClient.URL_DESCRIPTION)
    String url;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = config.settings();
        StringBuilder path = new StringBuilder("/api/v1/delete?tenant=").append(ApiClient.enc(tenant)).append("&dry_run=").append(!yes);
        Optional.ofNullable(metric).ifPresent(m -> path.append("&metric=").append(ApiClient.enc(m)));
        Optional.ofNullable(from).ifPresent(f -> path.append("&from=").append(ApiClient.enc(f)));
        Optional.ofNullable(to).ifPresent(t -> path.append("&to=").append(ApiClient.enc(t)));
        Optional<JsonNode> answer = tokens.call("delete", ApiClient.of(url, settings), settings, true, path.toString(), err);
        if (answer.isEmpty()) {
            return 1;
        }
        JsonNode body = answer.get();
        out.printf("%s %s%n", yes ? "deleted:" : "would delete (a dry run; --yes deletes):", body.path("selection").asText());
        for (JsonNode p : body.path("points")) {
            out.printf("  %-10s %-40s %d points%n", p.path("store").asText(), p.path("name").asText(), p.path("points").asLong());
        }
        out.printf("%d points in all%n", body.path("total").asLong());
        out.flush();
        return 0;
    }

}
