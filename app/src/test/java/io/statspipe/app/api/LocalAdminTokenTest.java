package io.statspipe.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.http.Caller;
import io.statspipe.adapter.http.LocalAdminToken;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.TenantTokens;
import io.statspipe.adapter.http.Token;
import io.statspipe.app.config.Settings;
import io.statspipe.app.config.SettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The administrator token {@code statspipe up} creates on its first start, so that a first query needs no set-up. */
class LocalAdminTokenTest {
    @TempDir
    Path dir;

    @Test
    void theFirstStartCreatesAnOwnerOnlyTokenWhoseHashIsAnAdministrator() throws Exception {
        Path dataDir = dir.resolve("data");

        Token admitted = LocalAdminToken.ensure(dataDir);

        Path file = dataDir.resolve("admin.token");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(LocalAdminToken.OWNER_ONLY);
        String token = LocalAdminToken.read(dataDir).orElseThrow();
        assertThat(token).hasSizeGreaterThanOrEqualTo(43).matches("[A-Za-z0-9_-]+");
        assertThat(admitted).isEqualTo(Token.admin(TenantTokens.sha256Hex(token), Scope.QUERY, Scope.INGEST));
        assertThat(new TenantTokens(List.of(admitted)).authenticate(Optional.of("Bearer " + token)))
                .isEqualTo(Caller.admin(Scope.QUERY, Scope.INGEST));
        try (var left = Files.list(dataDir)) {
            assertThat(left).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void laterStartsKeepTheTokenAlreadyHandedOut() throws Exception {
        Token first = LocalAdminToken.ensure(dir);
        String token = LocalAdminToken.read(dir).orElseThrow();

        Token again = LocalAdminToken.ensure(dir);

        assertThat(again).isEqualTo(first);
        assertThat(LocalAdminToken.read(dir)).contains(token);
    }

    @Test
    void aTokenTheOwnerPutInTheFileIsTheOneAdmitted() throws Exception {
        Files.writeString(dir.resolve("admin.token"), "chosen-by-hand\n");

        assertThat(LocalAdminToken.ensure(dir).sha256()).isEqualTo(TenantTokens.sha256Hex("chosen-by-hand"));
        assertThat(Files.readString(dir.resolve("admin.token"))).isEqualTo("chosen-by-hand\n");
    }

    @Test
    void eachDataFolderGetsItsOwnToken() throws Exception {
        assertThat(LocalAdminToken.ensure(dir.resolve("a"))).isNotEqualTo(LocalAdminToken.ensure(dir.resolve("b")));
    }

    @Test
    void aConfiguredTokenWithTheSameHashIsNotAdmittedTwice() throws Exception {
        Token admin = LocalAdminToken.ensure(dir);
        Path config = Files.writeString(dir.resolve("statspipe.conf"),
                "statspipe.api.admin-sha256 = [\"" + admin.sha256() + "\"]\n");
        Settings configured = SettingsLoader.load(Optional.of(config), Map.of(), new Properties(), Map.of());

        Settings withLocalAdmin = configured.withToken(admin);

        assertThat(withLocalAdmin.api().tokens()).isEqualTo(configured.api().tokens());
        assertThat(withLocalAdmin.api().tokens()).containsExactly(Token.admin(admin.sha256(), Scope.QUERY));
    }
}
