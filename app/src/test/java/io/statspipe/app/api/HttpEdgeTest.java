package io.statspipe.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.QueryEndpoint;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.TenantTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.adapter.http.Token;
import io.statspipe.app.config.Settings;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.service.QueryStatsService;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP edge against hostile clients, on a real server with its smallest thread pool: half-open
 * connections neither hold threads nor stay open, an overloaded server answers 503, and whatever
 * a client sends wrong (a body too large, a bad query string, a number out of range) is a JSON
 * refusal naming the reason, never HTML and never a 500.
 */
class HttpEdgeTest {
    static final String TOKEN = "edge-token-0b7c";
    static final ObjectMapper JSON = new ObjectMapper();
    /** The fewest threads the edge accepts: 4 serve requests, 1 more may wait. */
    static final HttpEdge EDGE = new HttpEdge(Duration.ofSeconds(1), Duration.ofSeconds(5), 64, 8, 1,
            64 * 1024);
    static final int SERVING = ApiServer.servingThreads(EDGE);

    static ApiServer api;
    static final CountDownLatch release = new CountDownLatch(1);
    static final Semaphore entered = new Semaphore(0);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    @BeforeAll
    static void start() {
        TenantTokens tokens = new TenantTokens(List.of(Token.admin(TenantTokens.sha256Hex(TOKEN), Scope.QUERY)));
        api = new ApiServer(Settings.BIND_ADDRESS, 0, EDGE)
                .route("/health", request -> ApiServer.Response.json(200, Map.of("status", "ready")))
                .route("/api/v1/query", new QueryEndpoint(tokens, new QueryStatsService(new InMemoryAggregateStore(), 100_000),
                        InstantSource.fixed(Instant.parse("2026-11-26T10:00:00Z"))))
                .route("/slow", request -> {
                    entered.release();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return ApiServer.Response.json(200, Map.of("slow", true));
                })
                .start();
    }

    @AfterAll
    static void stop() {
        release.countDown();
        api.close();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://" + Settings.BIND_ADDRESS + ":" + api.port() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertJsonRefusal(HttpResponse<String> r, int status, String reason) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("error").asText()).contains(reason);
    }

    static Socket halfOpen() throws Exception {
        Socket s = new Socket(Settings.BIND_ADDRESS, api.port());
        OutputStream out = s.getOutputStream();
        out.write('G');
        out.flush();
        return s;
    }

    @Test
    void halfOpenConnectionsBeyondTheThreadCountLeaveHealthAnswering() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < EDGE.threads() * 2; i++) {
                held.add(halfOpen());
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aConnectionThatSendsOneByteAndThenNothingIsClosedAfterTheHeaderTimeout() throws Exception {
        try (Socket s = halfOpen()) {
            // header-timeout is 1 s; a read that waits 10 s at most sees the server close the connection
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            long started = System.nanoTime();
            int read;
            try {
                do {
                    read = in.read();
                } while (read != -1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept a half-open connection open for 10 s", e);
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void anOverloadedServerAnswers503InJsonAndHealthStillAnswers() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> busy = new ArrayList<>();
        for (int i = 0; i < SERVING; i++) {
            busy.add(http.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(entered.tryAcquire(SERVING, 10, TimeUnit.SECONDS)).as("every serving thread busy").isTrue();
        // one more may wait for a thread (queue = 1), the other is refused at once
        CompletableFuture<HttpResponse<String>> a = http.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> b = http.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> refused = (HttpResponse<String>) CompletableFuture.anyOf(a, b).get(5, TimeUnit.SECONDS);
        assertJsonRefusal(refused, 503, "overloaded");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);

        release.countDown();
        for (CompletableFuture<HttpResponse<String>> f : busy) {
            assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat((refused == a.get() ? b : a).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413WithItsReasonWhetherItsLengthIsDeclaredOrNot() throws Exception {
        byte[] large = new byte[EDGE.maxBodyBytes() + 1];
        HttpResponse<String> declared = http.send(HttpRequest.newBuilder(uri("/api/v1/query"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(large)).build(), HttpResponse.BodyHandlers.ofString());
        assertJsonRefusal(declared, 413, "the body is too large: " + large.length + " bytes, at most " + EDGE.maxBodyBytes());
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(uri("/api/v1/query"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(large))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertJsonRefusal(chunked, 413, "statspipe.api.max-body-bytes");
    }

    @Test
    void malformedQueryStringsAndOutOfRangeNumbersAre400WithAReason() throws Exception {
        String badEncoding = raw("GET /api/v1/query?metric=%zz HTTP/1.1");
        assertThat(badEncoding).startsWith("HTTP/1.1 400").contains("application/json").contains("malformed percent-encoding");
        assertJsonRefusal(get("/api/v1/query?metric=page.views&from=-99999999999999999999d"), 400,
                "parameter 'from' = '-99999999999999999999d' is out of range");
        assertJsonRefusal(get("/api/v1/query?metric=page.views&to=-99999999999d"), 400, "parameter 'to'");
        assertJsonRefusal(get("/api/v1/query?metric=page.views&from=99999999999999999999"), 400, "parameter 'from'");
        assertJsonRefusal(get("/api/v1/query?metric=page.views&kind=sideways"), 400, "parameter 'kind'");
        assertJsonRefusal(get("/api/v1/query?metric=page.views&resolution=7m"), 400, "resolution");
    }

    @Test
    void malformedRequestLinesAndUnknownPathsAreJsonToo() throws Exception {
        assertJsonRefusal(get("/nowhere"), 404, "no endpoint at /nowhere");
        Map<String, Integer> requests = Map.of("GET /api/v1/%zz HTTP/1.1", 400, "BREW /health\u0001 HTTP/1.1", 400,
                "GET /api/v1/query?metric=x&from=now HTTP/7.3", 505);
        requests.forEach((requestLine, status) -> {
            try {
                assertThat(raw(requestLine)).as(requestLine).startsWith("HTTP/1.1 " + status).contains("application/json")
                        .contains("\"status\":" + status).doesNotContainIgnoringCase("<html");
            } catch (Exception e) {
                throw new AssertionError(requestLine, e);
            }
        });
    }

    /** What the server answers a request that an HTTP client library would refuse to send. */
    static String raw(String requestLine) throws Exception {
        try (Socket s = new Socket(Settings.BIND_ADDRESS, api.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((requestLine + "\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
