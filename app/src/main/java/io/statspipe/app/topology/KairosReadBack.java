package io.statspipe.app.topology;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.statspipe.adapter.storm.DurabilityCheck;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Resolution;
import io.statspipe.ports.out.EngineUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a flush's count points back from KairosDB before its intent is completed. KairosDB
 * answers a write once the points are in its ingest queue; only once a query returns them have
 * they reached the datastore. The points checked are the counts at the finest resolution (the
 * ones exact counts are read from), under the series' own metric name with the {@code _src}
 * tag, at the partial's slot; one query per metric name and stream of the flush.
 */
final class KairosReadBack implements DurabilityCheck {
    private final String url;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    KairosReadBack(String url) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public boolean holds(List<Partial> partials) {
        Map<String, List<Partial>> byMetric = new TreeMap<>();
        for (Partial p : partials) {
            if (p.id().kind() == Kind.COUNTER && p.id().resolution().equals(Resolution.MINUTE)) {
                byMetric.computeIfAbsent(p.id().series().metric() + " " + p.id().origin().stream(),
                        k -> new ArrayList<>()).add(p);
            }
        }
        for (List<Partial> ofMetric : byMetric.values()) {
            if (!holdsAll(ofMetric)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One query per metric and stream: every point of the stream between the first and the last
     * slot, grouped by every tag key the series use (so each group is one exact tag set).
     */
    private boolean holdsAll(List<Partial> partials) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        Set<String> keys = new TreeSet<>();
        for (Partial p : partials) {
            start = Math.min(start, p.id().slot());
            end = Math.max(end, p.id().slot());
            keys.addAll(p.id().series().tags().asMap().keySet());
        }
        Partial first = partials.get(0);
        JsonObject tags = new JsonObject();
        tags.add("_src", array(first.id().origin().stream()));
        JsonArray groupKeys = new JsonArray();
        keys.forEach(groupKeys::add);
        JsonObject byTags = new JsonObject();
        byTags.addProperty("name", "tag");
        byTags.add("tags", groupKeys);
        JsonArray groupBy = new JsonArray();
        groupBy.add(byTags);
        JsonObject metric = new JsonObject();
        metric.addProperty("name", first.id().series().metric());
        metric.add("tags", tags);
        if (!keys.isEmpty()) {
            metric.add("group_by", groupBy);
        }
        JsonArray metrics = new JsonArray();
        metrics.add(metric);
        JsonObject query = new JsonObject();
        query.addProperty("start_absolute", start);
        query.addProperty("end_absolute", end);
        query.add("metrics", metrics);

        Set<String> stored = new HashSet<>();
        JsonObject answer = post(query).getAsJsonArray("queries").get(0).getAsJsonObject();
        for (JsonElement r : answer.getAsJsonArray("results")) {
            JsonObject result = r.getAsJsonObject();
            Map<String, String> group = new TreeMap<>();
            JsonObject resultTags = result.has("tags") ? result.getAsJsonObject("tags") : new JsonObject();
            for (String key : keys) {
                JsonArray values = resultTags.has(key) ? resultTags.getAsJsonArray(key) : new JsonArray();
                group.put(key, values.size() == 1 ? values.get(0).getAsString() : "");
            }
            for (JsonElement v : result.getAsJsonArray("values")) {
                JsonArray point = v.getAsJsonArray();
                stored.add(group + "@" + point.get(0).getAsLong() + "=" + point.get(1).getAsLong());
            }
        }
        for (Partial p : partials) {
            Map<String, String> own = new TreeMap<>();
            keys.forEach(k -> own.put(k, ""));
            own.putAll(p.id().series().tags().asMap());
            if (!stored.contains(own + "@" + p.id().slot() + "=" + p.aggregate().count())) {
                return false;
            }
        }
        return true;
    }

    private JsonObject post(JsonObject query) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/datapoints/query"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query.toString())).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new EngineUnavailableException("KairosDB read-back answered " + response.statusCode() + ": "
                        + response.body());
            }
            return JsonParser.parseString(response.body()).getAsJsonObject();
        } catch (IOException e) {
            throw new EngineUnavailableException("KairosDB read-back failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted reading back from KairosDB", e);
        }
    }

    private static JsonArray array(String value) {
        JsonArray a = new JsonArray();
        a.add(value);
        return a;
    }
}
