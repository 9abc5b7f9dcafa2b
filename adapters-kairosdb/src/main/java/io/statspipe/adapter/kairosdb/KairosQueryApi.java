package io.statspipe.adapter.kairosdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.NativeAnswer;
import io.statspipe.ports.out.NativeQueryPort;
import io.statspipe.ports.out.ReadScope;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.http.HttpEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.util.EntityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KairosDB's own read API (the subset Grafana's KairosDB data source calls), held to a
 * {@link ReadScope} by {@link QueryScoping}: each request is rewritten, sent to KairosDB, and its
 * answer cleaned. KairosDB's global lists (metric names, tag names and values) know nothing of
 * tenants, so for a tenant they are computed from one tag query over every metric name with the
 * tenant's filter: a metric is listed when it has a series of the tenant. Thread-safe.
 */
public final class KairosQueryApi implements NativeQueryPort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KairosQueryApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/v1";

    private final String url;
    private final CloseableHttpClient http;

    public KairosQueryApi(KairosStoreConfig config) {
        this.url = config.url();
        this.http = config.httpClient().build();
    }

    @Override
    public NativeAnswer version() {
        return send(new HttpGet(url + API + "/version"));
    }

    @Override
    public NativeAnswer metricNames(ReadScope scope, Optional<String> prefix) {
        String query = prefix.map(p -> "?prefix=" + URLEncoder.encode(p, StandardCharsets.UTF_8)).orElse("");
        NativeAnswer all = send(new HttpGet(url + API + "/metricnames" + query));
        if (scope.tenant().isEmpty() || all.status() != 200) {
            return all;
        }
        List<String> names = new ArrayList<>();
        parse(all.json()).path("results").forEach(n -> names.add(n.asText()));
        JsonNode tags = tagsOf(scope, names);
        List<String> own = new ArrayList<>();
        JsonNode queries = tags.path("queries");
        for (int i = 0; i < names.size(); i++) {
            if (!QueryScoping.tagsOf(queries.path(i)).isEmpty()) {
                own.add(names.get(i));
            }
        }
        return results(own);
    }

    @Override
    public NativeAnswer tagNames(ReadScope scope) {
        return results(everyTag(scope).keySet());
    }

    @Override
    public NativeAnswer tagValues(ReadScope scope) {
        Set<String> values = new TreeSet<>();
        everyTag(scope).values().forEach(values::addAll);
        return results(values);
    }

    @Override
    public NativeAnswer query(ReadScope scope, byte[] body) {
        return scoped(scope, body, "/datapoints/query");
    }

    @Override
    public NativeAnswer queryTags(ReadScope scope, byte[] body) {
        return scoped(scope, body, "/datapoints/query/tags");
    }

    private NativeAnswer scoped(ReadScope scope, byte[] body, String path) {
        QueryScoping scoping = new QueryScoping(scope);
        ObjectNode request;
        try {
            request = scoping.request(JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return refusal(400, "the query is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return refusal(400, "the query cannot be read: " + e.getMessage());
        } catch (QueryScoping.Refused e) {
            return refusal(e.status(), e.getMessage());
        }
        NativeAnswer answer = post(path, request);
        if (answer.status() != 200) {
            return answer;
        }
        return json(200, scoping.answer(parse(answer.json())));
    }

    /** Every tag (name and values) of the series in scope, over every metric, internal tags left out. */
    private Map<String, Set<String>> everyTag(ReadScope scope) {
        NativeAnswer all = send(new HttpGet(url + API + "/metricnames"));
        if (all.status() != 200) {
            throw new EngineUnavailableException("KairosDB at " + url + " did not list its metric names: HTTP "
                    + all.status() + " " + all.text());
        }
        List<String> names = new ArrayList<>();
        parse(all.json()).path("results").forEach(n -> names.add(n.asText()));
        return QueryScoping.mergedTags(tagsOf(scope, names));
    }

    /** One tag query over {@code names}, each held to the scope: its answer has one query per name, in order. */
    private JsonNode tagsOf(ReadScope scope, List<String> names) {
        if (names.isEmpty()) {
            return JSON.createObjectNode();
        }
        ObjectNode request = JSON.createObjectNode();
        request.put("start_absolute", 0);
        ArrayNode metrics = request.putArray("metrics");
        names.forEach(n -> metrics.addObject().put("name", n));
        NativeAnswer answer = post("/datapoints/query/tags", new QueryScoping(scope).request(request));
        if (answer.status() != 200) {
            throw new EngineUnavailableException("KairosDB at " + url + " did not answer a tag query: HTTP "
                    + answer.status() + " " + answer.text());
        }
        return parse(answer.json());
    }

    private NativeAnswer post(String path, JsonNode body) {
        HttpPost post = new HttpPost(url + API + path);
        try {
            post.setEntity(new ByteArrayEntity(JSON.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
        return send(post);
    }

    private NativeAnswer send(HttpUriRequest request) {
        try (CloseableHttpResponse response = http.execute(request)) {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
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

    private JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new EngineUnavailableException("KairosDB at " + url + " answered something that is not JSON: " + e, e);
        }
    }

    private static NativeAnswer results(Collection<String> values) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("results");
        values.forEach(list::add);
        return json(200, body);
    }

    private static NativeAnswer refusal(int status, String reason) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").add(reason);
        return json(status, body);
    }

    private static NativeAnswer json(int status, JsonNode body) {
        try {
            return new NativeAnswer(status, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            LOG.debug("closing the HTTP client of KairosDB's read API failed", e);
        }
    }
}
