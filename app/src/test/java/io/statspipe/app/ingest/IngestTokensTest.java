package io.statspipe.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.Token;
import io.statspipe.adapter.ingest.IngestEndpoint;
import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.adapter.http.IngestRoute;
import io.statspipe.adapter.http.TenantTokens;
import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP ingest with {@code statspipe.ingest.require-token = true}, on the agent's real HTTP edge
 * and spool, against a real broker: a tenant's token writes only its own tenant's series, and
 * what it writes is what comes out of Kafka.
 */
class IngestTokensTest {
    static final String ACME_WRITER = "acme-writer-91c2";
    static final String ACME_READER = "acme-reader-4d0e";
    static final String ADMIN_WRITER = "admin-writer-77aa";
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static RunningAgent agent;
    static final TopicLayout topics = TopicLayout.of(2, 1);
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        topics.ensureExists(KAFKA.bootstrapServers());
        TenantTokens tokens = new TenantTokens(List.of(
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME_WRITER), Scope.INGEST, Scope.QUERY),
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME_READER), Scope.QUERY),
                Token.admin(TenantTokens.sha256Hex(ADMIN_WRITER), Scope.INGEST)));
        agent = RunningAgent.start(AgentSettings.of(KAFKA.bootstrapServers(), topics, SpoolSettings.defaults(dir.resolve("spool"))),
                new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                new IngestRoute.Access(tokens, true), HttpEdge.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        agent.close();
    }

    HttpResponse<String> post(String body, String token, boolean json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.http().port() + IngestEndpoint.PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode body(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    TopicReader reader() {
        return new TopicReader(KAFKA.bootstrapServers(), topics.events(), topics.deadLetters());
    }

    @Test
    void aRequestWithoutATokenIs401AndNothingIsKept() throws Exception {
        JsonNode refused = body(post("none.views:1|c|#tenant:acme", null, false), 401);
        assertThat(refused.path("error").asText()).contains("missing bearer token");
        assertThat(body(post("none.views:1|c|#tenant:acme", "not-a-token", false), 401).path("error").asText())
                .isEqualTo("unknown token");
    }

    @Test
    void aTokenWithoutTheIngestScopeIs403() throws Exception {
        JsonNode refused = body(post("reader.views:1|c|#tenant:acme", ACME_READER, false), 403);
        assertThat(refused.path("error").asText()).isEqualTo("this token may not ingest: its scopes are [query]");
        assertThat(refused.path("status").asInt()).isEqualTo(403);
    }

    @Test
    void aTenantsTokenWritesItsOwnTenantAndALineNamingAnotherIsRefusedAndDeadLettered() throws Exception {
        JsonNode answer = body(post("""
                acme.views:1|c|#tenant:acme,page:home|T1700000000
                acme.views:2|c|#tenant:globex,page:home|T1700000000
                acme.views:4|c|#page:about|T1700000000
                acme.broken""", ACME_WRITER, false), 200);
        assertThat(answer.path("accepted").asInt()).isEqualTo(2);
        assertThat(answer.path("refused_count").asInt()).isEqualTo(2);
        assertThat(answer.path("refused")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "'acme.views:2|c|#tenant:globex,page:home|T1700000000': tenant acme may not write series of tenant globex",
                "'acme.broken': missing '|type' in 'acme.broken'");

        try (TopicReader reader = reader()) {
            reader.readUntil(r -> r.eventsOf("acme.").size() >= 2
                    && r.dead.stream().anyMatch(d -> d.input().contains("tenant:globex")), DEADLINE);
            assertThat(reader.eventsOf("acme.")).containsExactlyInAnyOrder(
                    Event.counter(Series.of("acme.views", "tenant", "acme", "page", "home"), 1_700_000_000_000L, 1),
                    Event.counter(Series.of("acme.views", "tenant", "acme", "page", "about"), 1_700_000_000_000L, 4));
            assertThat(reader.dead).filteredOn(d -> d.input().contains("tenant:globex")).singleElement()
                    .satisfies(d -> assertThat(d.reason()).isEqualTo("tenant acme may not write series of tenant globex"));
        }
    }

    @Test
    void aTenantsJsonBatchIsHeldToItsTenantTooEventByEvent() throws Exception {
        JsonNode answer = body(post("""
                {"events": [{"metric": "json.views", "kind": "counter", "value": 1, "timestamp": 1700000000000},
                            {"metric": "json.views", "kind": "nonsense", "value": 1},
                            {"metric": "json.views", "tags": {"tenant": "globex"}, "kind": "counter", "value": 1}]}""",
                ACME_WRITER, true), 200);
        assertThat(answer.path("accepted").asInt()).isEqualTo(1);
        assertThat(answer.path("refused")).extracting(JsonNode::asText).containsExactly(
                "event 1: unknown kind 'nonsense' (expected counter, gauge, distribution or set)",
                "event 2: tenant acme may not write series of tenant globex");
        try (TopicReader reader = reader()) {
            reader.readUntil(r -> !r.eventsOf("json.").isEmpty(), DEADLINE);
            assertThat(reader.eventsOf("json.")).containsExactly(
                    Event.counter(Series.of("json.views", "tenant", "acme"), 1_700_000_000_000L, 1));
        }
    }

    @Test
    void anAdministratorsTokenWritesWhatTheLinesSay() throws Exception {
        JsonNode answer = body(post("admin.views:3|c|#tenant:globex|T1700000000\nadmin.untagged:1|c|T1700000000",
                ADMIN_WRITER, false), 200);
        assertThat(answer.path("accepted").asInt()).isEqualTo(2);
        try (TopicReader reader = reader()) {
            reader.readUntil(r -> r.eventsOf("admin.").size() >= 2, DEADLINE);
            assertThat(reader.eventsOf("admin.")).containsExactlyInAnyOrder(
                    Event.counter(Series.of("admin.views", "tenant", "globex"), 1_700_000_000_000L, 3),
                    Event.counter(Series.of("admin.untagged"), 1_700_000_000_000L, 1));
        }
    }

    @Test
    void aBodyOverTheLimitIs413WithItsReason() throws Exception {
        String large = "big.views:1|c\n".repeat(HttpEdge.DEFAULTS.maxBodyBytes() / 14 + 1);
        JsonNode refused = body(post(large, ACME_WRITER, false), 413);
        assertThat(refused.path("error").asText()).contains("the body is too large").contains("statspipe.api.max-body-bytes");
    }
}
