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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
     * One query per slot of the flush (a flush usually spans one or two buckets, so one or two
     * slots): every point of the metric with the flush's {@code _src} at that millisecond. Under
     * a finest count's metric and one {@code _src}, a slot holds only points of the one flush
     * whose slot it is (kairosdb-mapping.md, exact-counting.md), so the flush is stored once each
     * of its counts is among the values there, counted as a multiset: two series with equal
     * counts need two points. Comparing values rather than tag sets lets KairosDB answer
     * without grouping thousands of series, and the answer is one short list of numbers.
     */
    private boolean holdsAll(List<Partial> partials) {
        Map<Long, List<Long>> expectedBySlot = new TreeMap<>();
        for (Partial p : partials) {
            expectedBySlot.computeIfAbsent(p.id().slot(), k -> new ArrayList<>()).add(p.aggregate().count());
        }
        Partial first = partials.get(0);
        for (Map.Entry<Long, List<Long>> slot : expectedBySlot.entrySet()) {
            long[] stored = storedAt(first.id().series().metric(), first.id().origin().stream(), slot.getKey());
            if (!contains(stored, slot.getValue().stream().mapToLong(Long::longValue).toArray())) {
                return false;
            }
        }
        return true;
    }

    /** The values of every point of {@code metric} with {@code _src=stream} at {@code slot}. */
    private long[] storedAt(String metric, String stream, long slot) {
        JsonObject tags = new JsonObject();
        tags.add("_src", array(stream));
        JsonObject query = new JsonObject();
        query.addProperty("name", metric);
        query.add("tags", tags);
        JsonArray metrics = new JsonArray();
        metrics.add(query);
        JsonObject request = new JsonObject();
        request.addProperty("start_absolute", slot);
        request.addProperty("end_absolute", slot);
        request.add("metrics", metrics);
        JsonArray values = new JsonArray();
        for (JsonElement result : post(request).getAsJsonArray("queries").get(0).getAsJsonObject().getAsJsonArray("results")) {
            values.addAll(result.getAsJsonObject().getAsJsonArray("values"));
        }
        long[] stored = new long[values.size()];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = values.get(i).getAsJsonArray().get(1).getAsLong();
        }
        return stored;
    }

    /** True when every value of {@code expected} is in {@code stored}, as many times as it is expected. */
    private static boolean contains(long[] stored, long[] expected) {
        Arrays.sort(stored);
        Arrays.sort(expected);
        int s = 0;
        for (long value : expected) {
            while (s < stored.length && stored[s] < value) {
                s++;
            }
            if (s == stored.length || stored[s] != value) {
                return false;
            }
            s++;
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
