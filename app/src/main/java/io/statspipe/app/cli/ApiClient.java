package io.statspipe.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Talks to a running statspipe's HTTP API for the client commands. */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    ApiClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(60)).GET();
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return send(b.build());
    }

    Answer postText(String path, String body, Optional<String> token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return send(b.build());
    }

    /** The token of {@code --token}, else of {@code $STATSPIPE_TOKEN}, if any. */
    static Optional<String> token(String option) {
        return Optional.ofNullable(option).or(() -> Optional.ofNullable(System.getenv("STATSPIPE_TOKEN")))
                .filter(t -> !t.isBlank());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new IOException("cannot connect to statspipe at " + baseUrl + " (is './statspipe up' running?)", e);
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
}
