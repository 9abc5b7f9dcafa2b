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
import java.util.Map;

/**
 * Reads a flush's count points back from KairosDB before its intent is completed. KairosDB
 * answers a write once the points are in its ingest queue; only once a query returns them have
 * they reached the datastore. The points checked are the counts at the finest resolution (the
 * ones exact counts are read from), under the series' own metric name with the {@code _src}
 * tag, at the partial's slot; one query for the whole flush.
 */
final class KairosReadBack implements DurabilityCheck {
    private static final int MAX_PER_QUERY = 500;

    private final String url;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    KairosReadBack(String url) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public boolean holds(List<Partial> partials) {
        List<Partial> counts = new ArrayList<>();
        for (Partial p : partials) {
            if (p.id().kind() == Kind.COUNTER && p.id().resolution().equals(Resolution.MINUTE)) {
                counts.add(p);
            }
        }
        for (int from = 0; from < counts.size(); from += MAX_PER_QUERY) {
            if (!holdsAll(counts.subList(from, Math.min(counts.size(), from + MAX_PER_QUERY)))) {
                return false;
            }
        }
        return true;
    }

    private boolean holdsAll(List<Partial> partials) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        JsonArray metrics = new JsonArray();
        for (Partial p : partials) {
            long slot = p.id().slot();
            start = Math.min(start, slot);
            end = Math.max(end, slot);
            JsonObject tags = new JsonObject();
            for (Map.Entry<String, String> tag : p.id().series().tags().asMap().entrySet()) {
                tags.add(tag.getKey(), array(tag.getValue()));
            }
            tags.add("_src", array(p.id().origin().stream()));
            JsonObject metric = new JsonObject();
            metric.addProperty("name", p.id().series().metric());
            metric.add("tags", tags);
            JsonArray groupBy = new JsonArray();
            JsonObject byTags = new JsonObject();
            byTags.addProperty("name", "tag");
            JsonArray keys = new JsonArray();
            p.id().series().tags().asMap().keySet().forEach(keys::add);
            keys.add("_src");
            byTags.add("tags", keys);
            groupBy.add(byTags);
            metric.add("group_by", groupBy);
            metrics.add(metric);
        }
        JsonObject query = new JsonObject();
        query.addProperty("start_absolute", start);
        query.addProperty("end_absolute", end);
        query.add("metrics", metrics);
        JsonArray answers = post(query).getAsJsonArray("queries");
        for (int i = 0; i < partials.size(); i++) {
            if (!found(answers.get(i).getAsJsonObject(), partials.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The group whose tags are exactly the series' own (a filter also matches supersets) holds the value at the slot. */
    private static boolean found(JsonObject answer, Partial partial) {
        Map<String, String> own = partial.id().series().tags().asMap();
        for (JsonElement r : answer.getAsJsonArray("results")) {
            JsonObject result = r.getAsJsonObject();
            if (!exactly(result.getAsJsonObject("tags"), own)) {
                continue;
            }
            for (JsonElement v : result.getAsJsonArray("values")) {
                JsonArray point = v.getAsJsonArray();
                if (point.get(0).getAsLong() == partial.id().slot()
                        && point.get(1).getAsLong() == partial.aggregate().count()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean exactly(JsonObject tags, Map<String, String> own) {
        for (Map.Entry<String, JsonElement> tag : tags.entrySet()) {
            if (tag.getKey().equals("_src")) {
                continue;
            }
            JsonArray values = tag.getValue().getAsJsonArray();
            String expected = own.get(tag.getKey());
            if (values.size() != 1 || !values.get(0).getAsString().equals(expected == null ? "" : expected)) {
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
