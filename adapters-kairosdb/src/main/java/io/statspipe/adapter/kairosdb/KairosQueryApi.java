package io.statspipe.adapter.kairosdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * KairosDB's own read API (the subset Grafana's KairosDB data source calls), held to a
 * {@link ReadScope} by {@link QueryScoping}: each request is rewritten, sent to KairosDB, and its
 * answer cleaned. KairosDB's global lists (metric names, tag names and values) know nothing of
 * tenants, so for a tenant they are computed from one tag query over every metric name with the
 * tenant's filter: a metric is listed when it has a series of the tenant. Thread-safe.
 */
public final class KairosQueryApi implements NativeQueryPort, AutoCloseable {
    private final KairosHttp kairos;

    public KairosQueryApi(KairosStoreConfig config) {
        this.kairos = new KairosHttp(config);
    }

    @Override
    public NativeAnswer version() {
        return kairos.get("/version");
    }

    @Override
    public NativeAnswer metricNames(ReadScope scope, Optional<String> prefix) {
        String query = prefix.map(p -> "?prefix=" + URLEncoder.encode(p, StandardCharsets.UTF_8)).orElse("");
        NativeAnswer all = kairos.get("/metricnames" + query);
        if (scope.tenant().isEmpty() || all.status() != 200) {
            return all;
        }
        List<String> names = new ArrayList<>();
        kairos.parse(all.json()).path("results").forEach(n -> names.add(n.asText()));
        return results(namesWithSeries(kairos, scope, names));
    }

    /** Those of {@code names} that have a series in scope, in order (one tag query over them all). */
    static List<String> namesWithSeries(KairosHttp kairos, ReadScope scope, List<String> names) {
        JsonNode queries = tagsOf(kairos, scope, names).path("queries");
        List<String> own = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!QueryScoping.tagsOf(queries.path(i)).isEmpty()) {
                own.add(names.get(i));
            }
        }
        return own;
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
            request = scoping.request(KairosHttp.JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return refusal(400, "the query is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return refusal(400, "the query cannot be read: " + e.getMessage());
        } catch (QueryScoping.Refused e) {
            return refusal(e.status(), e.getMessage());
        }
        NativeAnswer answer = kairos.post(path, request);
        if (answer.status() != 200) {
            return answer;
        }
        return json(200, scoping.answer(kairos.parse(answer.json())));
    }

    /** Every tag (name and values) of the series in scope, over every metric, internal tags left out. */
    private Map<String, Set<String>> everyTag(ReadScope scope) {
        return QueryScoping.mergedTags(tagsOf(kairos, scope, kairos.metricNames()));
    }

    /** One tag query over {@code names}, each held to the scope: its answer has one query per name, in order. */
    private static JsonNode tagsOf(KairosHttp kairos, ReadScope scope, List<String> names) {
        if (names.isEmpty()) {
            return KairosHttp.JSON.createObjectNode();
        }
        ObjectNode request = KairosHttp.JSON.createObjectNode();
        request.put("start_absolute", 0);
        ArrayNode metrics = request.putArray("metrics");
        names.forEach(n -> metrics.addObject().put("name", n));
        return kairos.ok(kairos.post("/datapoints/query/tags", new QueryScoping(scope).request(request)), "answer a tag query");
    }

    private static NativeAnswer results(Collection<String> values) {
        ObjectNode body = KairosHttp.JSON.createObjectNode();
        ArrayNode list = body.putArray("results");
        values.forEach(list::add);
        return json(200, body);
    }

    private static NativeAnswer refusal(int status, String reason) {
        ObjectNode body = KairosHttp.JSON.createObjectNode();
        body.putArray("errors").add(reason);
        return json(status, body);
    }

    private static NativeAnswer json(int status, JsonNode body) {
        try {
            return new NativeAnswer(status, KairosHttp.JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    @Override
    public void close() {
        kairos.close();
    }
}
