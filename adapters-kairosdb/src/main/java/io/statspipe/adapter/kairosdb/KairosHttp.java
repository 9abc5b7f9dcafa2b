package io.statspipe.adapter.kairosdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.NativeAnswer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.http.HttpEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.CloseableHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KairosDB's REST API as JSON in and out, for what its Java client does not cover (passing
 * queries through, deleting): answers come back as they are, with their status; a KairosDB that
 * cannot be reached is an {@link EngineUnavailableException}.
 */
final class KairosHttp implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(KairosHttp.class);
    private static final String API = "/api/v1";

    private final String url;
    private final CloseableHttpClient http;

    KairosHttp(KairosStoreConfig config) {
        this.url = config.url();
        this.http = config.httpClient().build();
    }

    /** GET {@code /api/v1<path>}. */
    NativeAnswer get(String path) {
        return send(new HttpGet(url + API + path));
    }

    /** POST {@code body} to {@code /api/v1<path>}. */
    NativeAnswer post(String path, JsonNode body) {
        HttpPost post = new HttpPost(url + API + path);
        try {
            post.setEntity(new ByteArrayEntity(JSON.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
        return send(post);
    }

    /** The JSON of an answer that must be a success. */
    JsonNode ok(NativeAnswer answer, String what) {
        if (answer.status() / 100 != 2) {
            throw new EngineUnavailableException("KairosDB at " + url + " could not " + what + ": HTTP " + answer.status()
                    + " " + answer.text());
        }
        return parse(answer.json());
    }

    JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new EngineUnavailableException("KairosDB at " + url + " answered something that is not JSON: " + e, e);
        }
    }

    /** Every metric name KairosDB has. */
    List<String> metricNames() {
        List<String> names = new ArrayList<>();
        ok(get("/metricnames"), "list its metric names").path("results").forEach(n -> names.add(n.asText()));
        return names;
    }

    private NativeAnswer send(HttpUriRequest request) {
        try (CloseableHttpResponse response = http.execute(request)) {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? new byte[0] : org.apache.http.util.EntityUtils.toByteArray(entity);
            int status = response.getStatusLine().getStatusCode();
            if (status >= 500) {
                LOG.warn("KairosDB at {} answered {} {} with HTTP {}", url, request.getMethod(), request.getURI().getPath(),
                        status);
            }
            return new NativeAnswer(status, body);
        } catch (IOException e) {
            throw new EngineUnavailableException("KairosDB at " + url + " did not answer " + request.getMethod() + " "
                    + request.getURI().getPath() + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            LOG.debug("closing an HTTP client of KairosDB at {} failed", url, e);
        }
    }
}
