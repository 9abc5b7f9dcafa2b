package io.statspipe.app.cli;

import io.statspipe.adapter.http.LocalAdminToken;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.TenantTokens;
import io.statspipe.app.config.SettingsLoader;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code statspipe token}: bearer tokens for the HTTP API. */
@Command(name = "token", mixinStandardHelpOptions = true, subcommands = TokenCommand.Create.class,
        description = "Bearer tokens for statspipe's HTTP API (queries and ingest).")
public final class TokenCommand {
    /** {@code statspipe token create}: a new token, printed once, and the configuration line that admits it. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a bearer token: one tenant's (its queries see, its writes land in, that tenant only) "
                    + "or an administrator's (every tenant).",
                    "Prints the token once on standard output, and on standard error the line to add to the "
                    + "configuration file: statspipe keeps only the token's SHA-256. Restart statspipe up to admit it.",
                    "Example: statspipe token create --tenant acme --scope query,ingest"})
    public static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Owner owner;

        static final class Owner {
            @Option(names = "--tenant", paramLabel = "TENANT", description = "The tenant the token is for.")
            String tenant;

            @Option(names = "--admin", description = "An administrator's token: every tenant.")
            boolean admin;
        }

        @Option(names = "--scope", split = ",", paramLabel = "SCOPE",
                description = "What the token may do: query, ingest or both, comma-separated (default: query).")
        List<String> scopes = new ArrayList<>(List.of("query"));

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (owner.tenant != null && !SettingsLoader.isTenant(owner.tenant)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tenant must be a tag value (letters, digits,"
                        + " _ . -, at most 255), got '" + owner.tenant + "'");
            }
            Set<Scope> allowed = scopes(spec.commandLine(), scopes);
            String token = LocalAdminToken.newToken();
            out.println(token);
            out.flush();
            err.println("statspipe token create: the token above is shown only this once. To admit it, add this line to "
                    + "the configuration file (--config or $STATSPIPE_CONFIG) and restart statspipe up:");
            err.println(configurationLine(owner.tenant, TenantTokens.sha256Hex(token), allowed));
            err.flush();
            return 0;
        }

        /** The HOCON line that appends this token to {@code statspipe.api.tokens}. */
        static String configurationLine(String tenant, String sha256, Set<Scope> scopes) {
            String who = tenant != null ? "tenant = \"" + tenant + "\"" : "admin = true";
            String names = scopes.stream().sorted().map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
            return "statspipe.api.tokens += { " + who + ", sha256 = \"" + sha256 + "\", scopes = [" + names + "] }";
        }

        private static Set<Scope> scopes(CommandLine commandLine, List<String> names) {
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (String name : names) {
                try {
                    scopes.add(Scope.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(commandLine, "--scope: '" + name
                            + "' is not a scope (query, ingest)");
                }
            }
            if (scopes.isEmpty()) {
                throw new CommandLine.ParameterException(commandLine, "--scope needs at least one of query, ingest");
            }
            return scopes;
        }
    }
}
