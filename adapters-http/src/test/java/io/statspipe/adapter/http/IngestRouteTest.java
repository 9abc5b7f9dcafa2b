package io.statspipe.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest route on a real HTTP edge: it decides who the writer is from the bearer token and
 * hands the request to the ingest handler the wiring mounted, whose answer (or refusal) is sent as
 * it is. The handler here records what it was handed.
 */
class IngestRouteTest {
    static final String PATH = "/api/v1/ingest";
    static final String ACME_WRITER = "acme-writer-5b1f";
    static final String ACME_READER = "acme-reader-0c3a";
    static final String ADMIN_WRITER = "admin-writer-e27d";
    static final List<IngestRoute.Write> handed = new CopyOnWriteArrayList<>();
    static ApiServer api;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        TenantTokens tokens = new TenantTokens(List.of(
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME_WRITER), Scope.INGEST),
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME_READER), Scope.QUERY),
                Token.admin(TenantTokens.sha256Hex(ADMIN_WRITER), Scope.INGEST)));
        IngestRoute.Ingest ingest = write -> {
            handed.add(write);
            if (!write.method().equals("POST")) {
                throw new ApiException(405, "POST to " + PATH);
            }
            return ApiServer.Response.json(200, Map.of("accepted", 1));
        };
        api = IngestRoute.mount(new ApiServer("127.0.0.1", 0, HttpEdge.DEFAULTS), PATH, ingest,
                new IngestRoute.Access(tokens, true)).start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @BeforeEach
    void forget() {
        handed.clear();
    }

    HttpResponse<String> send(String method, String token, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + PATH))
                .method(method, HttpRequest.BodyPublishers.ofString("page.views:1|c|#tenant:acme"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.header("Idempotency-Key", "batch-7");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTenantsWriterIsHandedOverWithItsTenantAndTheWholeRequest() throws Exception {
        HttpResponse<String> answer = send("POST", ACME_WRITER, "application/json");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"accepted\":1}");
        assertThat(handed).hasSize(1);
        IngestRoute.Write write = handed.get(0);
        assertThat(write.method()).isEqualTo("POST");
        assertThat(new String(write.body(), StandardCharsets.UTF_8)).isEqualTo("page.views:1|c|#tenant:acme");
        assertThat(write.json()).isTrue();
        assertThat(write.idempotencyKey()).contains("batch-7");
        assertThat(write.writerTenant()).contains("acme");
    }

    @Test
    void anAdministratorsWriterMayWriteEveryTenant() throws Exception {
        assertThat(send("POST", ADMIN_WRITER, null).statusCode()).isEqualTo(200);

        assertThat(handed).singleElement().satisfies(w -> {
            assertThat(w.writerTenant()).isEqualTo(Optional.empty());
            assertThat(w.json()).isFalse();
        });
    }

    @Test
    void withATokenRequiredAWriteWithoutOneIsRefusedBeforeTheHandlerSeesIt() throws Exception {
        HttpResponse<String> answer = send("POST", null, null);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("missing bearer token");
        assertThat(handed).isEmpty();
    }

    @Test
    void aTokenWithoutTheIngestScopeIsRefused() throws Exception {
        HttpResponse<String> answer = send("POST", ACME_READER, null);

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("may not ingest");
        assertThat(handed).isEmpty();
    }

    @Test
    void aWrongMethodReachesTheHandlerUnauthenticatedAndItsRefusalIsSentAsJson() throws Exception {
        HttpResponse<String> answer = send("PUT", null, null);

        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(answer.body()).isEqualTo("{\"status\":405,\"error\":\"POST to /api/v1/ingest\"}");
        assertThat(handed).singleElement().satisfies(w -> assertThat(w.writerTenant()).isEmpty());
    }
}
