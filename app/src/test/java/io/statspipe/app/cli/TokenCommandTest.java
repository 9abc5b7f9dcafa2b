package io.statspipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.http.Caller;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.TenantTokens;
import io.statspipe.app.config.Settings;
import io.statspipe.app.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code statspipe token create}: the token once on stdout, and a configuration line that admits exactly it. */
class TokenCommandTest {
    @TempDir
    Path dir;

    @Test
    void thePrintedLineAdmitsThePrintedTokenForItsTenantAndScopes() throws Exception {
        CommandLineRun r = CommandLineTest.run("token", "create", "--tenant", "acme", "--scope", "query,ingest");

        assertThat(r.exit()).as(r.err()).isZero();
        String token = r.out().strip();
        assertThat(token).doesNotContain("\n").matches("[A-Za-z0-9_-]{43}");
        assertThat(r.err()).doesNotContain(token).contains("statspipe.api.tokens += ");
        Settings settings = load(configurationLine(r));
        assertThat(new TenantTokens(settings.api().tokens()).authenticate(Optional.of("Bearer " + token)))
                .isEqualTo(Caller.ofTenant("acme", Scope.QUERY, Scope.INGEST));
    }

    @Test
    void theLineAddsToTokensAlreadyConfigured() throws Exception {
        CommandLineRun r = CommandLineTest.run("token", "create", "--admin");
        String token = r.out().strip();
        String existing = "statspipe.api.tokens = [ { tenant = globex, sha256 = \"" + TenantTokens.sha256Hex("globex-token")
                + "\" } ]";

        Settings settings = load(existing + "\n" + configurationLine(r));

        TenantTokens tokens = new TenantTokens(settings.api().tokens());
        assertThat(tokens.authenticate(Optional.of("Bearer " + token))).isEqualTo(Caller.admin(Scope.QUERY));
        assertThat(tokens.authenticate(Optional.of("Bearer globex-token"))).isEqualTo(Caller.ofTenant("globex", Scope.QUERY));
    }

    @Test
    void eachRunCreatesAnotherToken() {
        assertThat(CommandLineTest.run("token", "create", "--tenant", "acme").out())
                .isNotEqualTo(CommandLineTest.run("token", "create", "--tenant", "acme").out());
    }

    @Test
    void badScopesAndTenantsAreRefusedNamingTheOption() {
        CommandLineRun badScope = CommandLineTest.run("token", "create", "--tenant", "acme", "--scope", "query,delete");
        assertThat(badScope.exit()).isEqualTo(2);
        assertThat(badScope.out()).isEmpty();
        assertThat(badScope.err()).contains("--scope: 'delete' is not a scope (query, ingest)");

        CommandLineRun badTenant = CommandLineTest.run("token", "create", "--tenant", "acme corp");
        assertThat(badTenant.exit()).isEqualTo(2);
        assertThat(badTenant.out()).isEmpty();
        assertThat(badTenant.err()).contains("--tenant must be a tag value", "'acme corp'");

        CommandLineRun neither = CommandLineTest.run("token", "create");
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).contains("--tenant", "--admin");

        CommandLineRun both = CommandLineTest.run("token", "create", "--tenant", "acme", "--admin");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    private static String configurationLine(CommandLineRun r) {
        return r.err().lines().filter(l -> l.startsWith("statspipe.api.tokens += ")).findFirst().orElseThrow();
    }

    private Settings load(String configuration) throws Exception {
        Path file = dir.resolve("statspipe.conf");
        Files.writeString(file, configuration + "\n");
        return SettingsLoader.load(Optional.of(file), Map.of(), new Properties(), Map.of());
    }
}
