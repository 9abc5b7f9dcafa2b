package io.statspipe.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.Token;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
    @TempDir
    Path dir;

    static Settings load(Optional<Path> file, Map<String, String> env, Map<String, String> sys, Map<String, String> cli) {
        Properties p = new Properties();
        p.putAll(sys);
        return SettingsLoader.load(file, env, p, cli);
    }

    static Settings defaults() {
        return load(Optional.empty(), Map.of(), Map.of(), Map.of());
    }

    @Test
    void defaultsRunOnOneMachine() {
        Settings s = defaults();
        assertThat(s.api().port()).isEqualTo(8070);
        assertThat(s.statsd().port()).isEqualTo(8125);
        assertThat(s.store().port()).isEqualTo(8080);
        assertThat(s.store().engine()).isEqualTo(Engines.Store.KAIROSDB_H2);
        assertThat(s.eventLog().engine()).isEqualTo(Engines.EventLog.EMBEDDED_KAFKA);
        assertThat(s.topology().engine()).isEqualTo(Engines.Topology.LOCAL);
        assertThat(s.legacy().engine()).isEqualTo(Engines.Legacy.NONE);
        assertThat(s.dataDir()).isEqualTo(Path.of("data"));
        assertThat(s.api().tokens()).isEmpty();
    }

    @Test
    void precedenceIsCommandLineThenSystemPropertiesThenEnvironmentThenFile() throws IOException {
        Path file = dir.resolve("statspipe.conf");
        Files.writeString(file, "statspipe.api.port = 1001\nstatspipe.statsd.port = 1002\nstatspipe.store.port = 1003\n"
                + "statspipe.event-log.port = 1004\n");
        Settings s = load(Optional.of(file),
                Map.of("STATSPIPE_STATSD_PORT", "2002", "STATSPIPE_STORE_PORT", "2003", "STATSPIPE_EVENT__LOG_PORT", "2004"),
                Map.of("statspipe.store.port", "3003", "statspipe.event-log.port", "3004"),
                Map.of("statspipe.event-log.port", "4004"));
        assertThat(s.api().port()).isEqualTo(1001);
        assertThat(s.statsd().port()).isEqualTo(2002);
        assertThat(s.store().port()).isEqualTo(3003);
        assertThat(s.eventLog().port()).isEqualTo(4004);
    }

    @Test
    void unknownKeyInFileIsNamed() throws IOException {
        Path file = dir.resolve("typo.conf");
        Files.writeString(file, "statspipe.api.prot = 9000\n");
        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), Map.of(), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown configuration key statspipe.api.prot");
    }

    @Test
    void unknownKeyFromEnvironmentSystemPropertiesOrCommandLineIsNamed() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("STATSPIPE_API_PROT", "1"), Map.of(), Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("STATSPIPE_API_PROT")
                .hasMessageContaining("statspipe.api.prot");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("statspipe.kafka.port", "1"), Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.kafka.port");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.store.enigne", "x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.store.enigne");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("other.key", "x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("other.key");
    }

    @Test
    void badPortIsNamedWithItsValue() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.api.port", "70000")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.api.port = 70000").hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.statsd.port", "eighty")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.statsd.port = 'eighty'").hasMessageContaining("port number");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.store.port", "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.store.port = 0");
    }

    @Test
    void twoListenersOnOnePortAreRefused() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.store.port", "8070")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.store.port = 8070").hasMessageContaining("statspipe.api.port");
    }

    @Test
    void unknownEngineListsTheKnownOnes() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.store.engine", "influxdb")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.store.engine = 'influxdb'")
                .hasMessageContaining("kairosdb-h2, kairosdb-cassandra, kairosdb");
    }

    @Test
    void gaugeDeltasFollowDogStatsdUnlessEtsyIsChosenAndAnythingElseIsRefusedNamingTheKey() {
        assertThat(load(Optional.empty(), Map.of(), Map.of(), Map.of()).statsd().gaugeDeltas())
                .isEqualTo(io.statspipe.adapter.ingest.GaugeDeltas.DOGSTATSD);
        assertThat(load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.statsd.gauge-deltas", "etsy"))
                .statsd().gaugeDeltas()).isEqualTo(io.statspipe.adapter.ingest.GaugeDeltas.ETSY);
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.statsd.gauge-deltas", "relative")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("statspipe.statsd.gauge-deltas = 'relative' is not a meaning of '-N|g' statspipe knows: use"
                        + " dogstatsd (a negative level) or etsy (a decrement)");
    }

    @Test
    void externalEnginesNeedTheirAddresses() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.event-log.engine", "kafka")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.event-log.bootstrap-servers");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(),
                Map.of("statspipe.event-log.engine", "kafka", "statspipe.event-log.bootstrap-servers", "broker1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'broker1' is not host:port");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.store.engine", "kairosdb")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.store.url");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.legacy.engine", "mongo")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.legacy.uri");
    }

    @Test
    void durationsAreReadAndBounded() {
        Settings s = load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.topology.flush-interval", "5s"));
        assertThat(s.topology().flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.topology.flush-interval", "200ms")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.topology.flush-interval");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.migration.settle-time", "soon")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.migration.settle-time = 'soon'");
    }

    @Test
    void tokensAreHashesAndAPastedTokenIsNotEchoed() throws IOException {
        String hash = "a".repeat(64);
        Path good = dir.resolve("tokens.conf");
        Files.writeString(good, "statspipe.api.tokens = [ { tenant = acme, sha256 = \"" + hash + "\" } ]\n"
                + "statspipe.api.admin-sha256 = [ \"" + "b".repeat(64) + "\" ]\n");
        Settings s = load(Optional.of(good), Map.of(), Map.of(), Map.of());
        // the format before scopes: query tokens, and admin-sha256 for administrators that only read
        assertThat(s.api().tokens()).containsExactly(Token.ofTenant("acme", hash, Scope.QUERY),
                Token.admin("b".repeat(64), Scope.QUERY));

        Path pasted = dir.resolve("pasted.conf");
        Files.writeString(pasted, "statspipe.api.tokens = [ { tenant = acme, sha256 = \"s3cret-token-value\" } ]\n");
        assertThatThrownBy(() -> load(Optional.of(pasted), Map.of(), Map.of(), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.api.tokens[0].sha256")
                .hasMessageNotContaining("s3cret-token-value");

        Path extra = dir.resolve("extra.conf");
        Files.writeString(extra, "statspipe.api.tokens = [ { tenant = acme, sha256 = \"" + hash + "\", role = x } ]\n");
        assertThatThrownBy(() -> load(Optional.of(extra), Map.of(), Map.of(), Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.api.tokens[0].role");
    }

    @Test
    void tokensNameATenantOrAdminAndTheirScopes() throws IOException {
        Path conf = dir.resolve("scoped.conf");
        Files.writeString(conf, "statspipe.api.tokens = [ { tenant = acme, sha256 = \"" + "a".repeat(64)
                + "\", scopes = [ingest] },\n { admin = true, sha256 = \"" + "b".repeat(64) + "\", scopes = [query, ingest] } ]\n");
        assertThat(load(Optional.of(conf), Map.of(), Map.of(), Map.of()).api().tokens()).containsExactly(
                Token.ofTenant("acme", "a".repeat(64), Scope.INGEST),
                Token.admin("b".repeat(64), Scope.QUERY, Scope.INGEST));

        Map<String, String> mistakes = Map.of(
                "[ { tenant = acme, sha256 = \"" + "a".repeat(64) + "\", scopes = [write] } ]", "statspipe.api.tokens[0].scopes",
                "[ { tenant = acme, admin = true, sha256 = \"" + "a".repeat(64) + "\" } ]", "statspipe.api.tokens[0] must name either",
                "[ { sha256 = \"" + "a".repeat(64) + "\" } ]", "statspipe.api.tokens[0] must name either",
                "[ { tenant = acme, sha256 = \"" + "a".repeat(64) + "\" }, { tenant = globex, sha256 = \"" + "a".repeat(64)
                        + "\" } ]", "configured twice");
        for (Map.Entry<String, String> m : mistakes.entrySet()) {
            Path bad = dir.resolve("bad-token.conf");
            Files.writeString(bad, "statspipe.api.tokens = " + m.getKey() + "\n");
            assertThatThrownBy(() -> load(Optional.of(bad), Map.of(), Map.of(), Map.of())).as(m.getKey())
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(m.getValue())
                    .hasMessageNotContaining("a".repeat(64));
        }
    }

    @Test
    void theHttpEdgeLimitsAndListenAddressesAreValidatedNamingTheKey() {
        Settings s = defaults();
        assertThat(s.api().edge()).isEqualTo(HttpEdge.DEFAULTS);
        assertThat(s.api().bind()).isEqualTo("127.0.0.1");
        assertThat(s.statsd().bind()).isEqualTo("127.0.0.1");
        assertThat(s.ingest().requireToken()).isFalse();
        Map<String, String> mistakes = Map.of(
                "statspipe.api.threads", "2",
                "statspipe.api.max-body-bytes", "-1",
                "statspipe.api.header-timeout", "forever",
                "statspipe.api.bind", "example.com",
                "statspipe.statsd.bind", "300.1.1.1",
                "statspipe.ingest.require-token", "maybe");
        for (Map.Entry<String, String> m : mistakes.entrySet()) {
            assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of(m.getKey(), m.getValue())))
                    .as(m.getKey()).isInstanceOf(ConfigurationException.class).hasMessageContaining(m.getKey());
        }
        // Clients of an API listening on every interface (the wildcard address, however written) use loopback.
        for (String wildcard : List.of("::", "0:0:0:0:0:0:0:0")) {
            assertThat(load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.api.bind", wildcard)).api().baseUrl())
                    .isEqualTo("http://127.0.0.1:8070");
        }
        assertThat(load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.api.bind", "10.1.2.3")).api().baseUrl())
                .isEqualTo("http://10.1.2.3:8070");
    }

    @Test
    void kafkaClientPropertiesAreReadQuotedOrAsPathsFromEverySource() throws IOException {
        Path file = dir.resolve("statspipe.conf");
        Files.writeString(file, """
                statspipe.event-log { engine = kafka, bootstrap-servers = "kafka-1:9092" }
                statspipe.event-log.client {
                  "security.protocol" = SASL_SSL
                  "sasl.mechanism" = PLAIN
                  "sasl.jaas.config" = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\\"s\\" password=\\"pw-9\\";"
                  request.timeout.ms = 20000
                }
                """);
        Settings s = load(Optional.of(file), Map.of("STATSPIPE_EVENT__LOG_CLIENT_SSL_TRUSTSTORE_PASSWORD", "ts-secret"),
                Map.of("statspipe.event-log.client.ssl.truststore.location", "/etc/ca.p12"),
                Map.of("statspipe.event-log.client.client.id", "agent-7"));
        assertThat(s.eventLog().client().properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"s\" password=\"pw-9\";",
                "request.timeout.ms", "20000", "ssl.truststore.location", "/etc/ca.p12", "ssl.truststore.password", "ts-secret",
                "client.id", "agent-7"));
        assertThat(s.eventLog().client().toString()).contains("sasl.jaas.config").doesNotContain("pw-9")
                .doesNotContain("ts-secret");
        assertThat(s.toString()).doesNotContain("pw-9").doesNotContain("ts-secret");
        assertThat(defaults().eventLog().client().properties()).isEmpty();
    }

    @Test
    void kafkaClientKeysStatspipeControlsAreRefusedNamingTheKeyAndWhy() {
        for (String key : java.util.List.of("bootstrap.servers", "acks", "enable.idempotence", "isolation.level",
                "enable.auto.commit", "transactional.id", "value.serializer", "group.id")) {
            assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("statspipe.event-log.engine", "kafka",
                    "statspipe.event-log.bootstrap-servers", "k:9092", "statspipe.event-log.client." + key, "x"), Map.of()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("statspipe.event-log.client." + key + " cannot be set: statspipe sets it itself (");
        }
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.event-log.client.acks", "0")))
                .hasMessageContaining("acks=all");
    }

    @Test
    void theEmbeddedBrokerSpeaksPlaintextOnly() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(),
                Map.of("statspipe.event-log.client.security.protocol", "SSL")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.event-log.client.security.protocol = SSL")
                .hasMessageContaining("embedded-kafka");
    }

    @Test
    void apiTlsNeedsItsPasswordsAndMakesTheBaseUrlHttps() {
        assertThat(defaults().api().baseUrl()).isEqualTo("http://127.0.0.1:8070");
        assertThat(defaults().api().tls().serves()).isFalse();
        Settings tls = load(Optional.empty(), Map.of("STATSPIPE_API_TLS_KEYSTORE__PASSWORD", "ks-secret"), Map.of(),
                Map.of("statspipe.api.tls.keystore", "/etc/statspipe/api.p12"));
        assertThat(tls.api().baseUrl()).isEqualTo("https://127.0.0.1:8070");
        assertThat(tls.api().tls().keystore()).contains(Path.of("/etc/statspipe/api.p12"));
        assertThat(tls.toString()).doesNotContain("ks-secret");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.api.tls.keystore", "/x.p12")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.api.tls.keystore-password");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(), Map.of("statspipe.api.tls.truststore", "/t.p12")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.api.tls.truststore-password");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> load(Optional.of(dir.resolve("nope.conf")), Map.of(), Map.of(), Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("nope.conf").hasMessageContaining("does not exist");
    }

    @Test
    void everyKeyOfTheDefaultsIsDocumentedInTheReadme() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        com.typesafe.config.Config defaults = com.typesafe.config.ConfigFactory.parseResources(SettingsLoader.DEFAULTS);
        for (String key : defaults.entrySet().stream().map(Map.Entry::getKey).toList()) {
            assertThat(text).as("README.md documents %s", key).contains("`" + key + "`");
        }
    }
}
