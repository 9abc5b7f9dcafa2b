package io.statspipe.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.statspipe.adapter.http.ApiTls;
import io.statspipe.app.config.Settings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * Talks to a running statspipe's HTTP API for the client commands, over HTTP or HTTPS (checking
 * the API's certificate with {@code statspipe.api.tls.truststore}, or the JDK's trusted
 * authorities).
 */
final class ApiClient {
    /** What {@code --url} means, for every command that has it. */
    static final String URL_DESCRIPTION = "statspipe's HTTP API (default: http://127.0.0.1:<statspipe.api.port>, https://"
            + " when statspipe.api.tls.keystore is set). An https URL's certificate is checked against"
            + " statspipe.api.tls.truststore, or the JDK's trusted authorities when that is not set.";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often {@link #postBatch} sends a batch whose answer it did not get. */
    static final int BATCH_ATTEMPTS = 4;
    /** 250 ms, 500 ms, 1 s between the tries: a restarting agent is back within them. */
    private static final Duration BATCH_FIRST_DELAY = Duration.ofMillis(250);
    private static final Duration BATCH_MAX_DELAY = Duration.ofSeconds(1);
    /** A batch is sent again when its answer is lost or the agent is still spooling it (409); the last answer stands. */
    private static final RetryPolicy<Answer> BATCH_RETRIES = RetryPolicy.<Answer>builder()
            .handle(IOException.class)
            .handleResultIf(answer -> answer.status() == 409)
            .withMaxAttempts(BATCH_ATTEMPTS)
            .withBackoff(BATCH_FIRST_DELAY, BATCH_MAX_DELAY)
            .build();
    private final HttpClient http;
    private final String baseUrl;

    ApiClient(String baseUrl, SSLContext tls) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build();
    }

    /** The API at {@code --url} if given, else where the configuration says it is, trusting what it says to trust. */
    static ApiClient of(String url, Settings settings) {
        return new ApiClient(url != null ? url : settings.api().baseUrl(), ApiTls.client(settings.api().tls()));
    }

    String baseUrl() {
        return baseUrl;
    }

    /** An answer: status and parsed JSON body (an empty object when the body is not JSON). */
    record Answer(int status, JsonNode body) {
        String error() {
            return body.path("error").asText("HTTP " + status);
        }
    }

    Answer get(String pathAndQuery, Optional<String> token) throws IOException, InterruptedException {
        return send(pathAndQuery, HttpRequest.BodyPublishers.noBody(), "GET", token);
    }

    /** A POST without a body, once: for a request that is not safe to send twice without asking. */
    Answer post(String pathAndQuery, Optional<String> token) throws IOException, InterruptedException {
        return send(pathAndQuery, HttpRequest.BodyPublishers.noBody(), "POST", token);
    }

    private Answer send(String pathAndQuery, HttpRequest.BodyPublisher body, String method, Optional<String> token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(60))
                .method(method, body);
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return send(b.build());
    }

    /**
     * Posts one batch of StatsD lines under a fresh {@code Idempotency-Key}, and sends it again under
     * the same key when the answer is lost (the connection fails or times out) or the agent is still
     * spooling it (409): the agent counts a batch once however often it arrives within its window.
     *
     * @throws IOException when the last of {@link #BATCH_ATTEMPTS} attempts failed: the batch may or may not be spooled
     */
    Answer postBatch(String path, String body, Optional<String> token) throws IOException, InterruptedException {
        String key = UUID.randomUUID().toString();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "text/plain; charset=utf-8").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        HttpRequest request = b.build();
        try {
            return Failsafe.with(BATCH_RETRIES).get(() -> send(request));
        } catch (FailsafeException e) {
            if (e.getCause() instanceof IOException lost) {
                throw lost;
            }
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw e;
        }
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new IOException("cannot connect to statspipe at " + baseUrl + " (is './statspipe up' running?)", e);
        } catch (SSLHandshakeException e) {
            throw new IOException("no TLS session with statspipe at " + baseUrl + ": " + e.getMessage()
                    + " (does statspipe.api.tls.truststore hold the API's certificate, and does it name this host?)", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
            if (body == null || body.isMissingNode()) {
                body = JSON.createObjectNode();
            }
        } catch (IOException notJson) {
            body = JSON.createObjectNode().put("error", response.body());
        }
        return new Answer(response.statusCode(), body);
    }

    /** A query parameter's value, URL-encoded. */
    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
