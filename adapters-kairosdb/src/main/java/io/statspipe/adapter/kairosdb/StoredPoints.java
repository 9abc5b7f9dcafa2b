package io.statspipe.adapter.kairosdb;

import com.google.gson.JsonElement;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.kairosdb.client.HttpClient;
import org.kairosdb.client.builder.DataPoint;
import org.kairosdb.client.builder.QueryBuilder;
import org.kairosdb.client.response.QueryResult;
import org.kairosdb.client.response.Result;

/**
 * Reads a flush's points back from KairosDB: every partial of every kind and resolution, as the
 * value it was written with. KairosDB answers a write once the points are in its ingest queue;
 * only once a query returns them have they reached the datastore.
 *
 * <p>Per resolution and input stream of the flush, one query asks for every point of the
 * flush's KairosDB metrics with that {@code _src} between the first and last slot, without
 * grouping, and the flush is stored once each partial's value is among the values at its slot
 * under its metric, counted as a multiset (two series with equal counts need two points). Values
 * stand in for tag sets because of an invariant of the mapping: under one KairosDB metric and one
 * {@code _src}, a slot holds points of the one flush whose slot it is (a metric holds one kind at
 * one resolution; the slots of one stream's flushes in a bucket are distinct), and a replay writes
 * the same values. So every point there is one of the flush's own, and a missing point means a
 * missing value. Asking for values lets KairosDB answer without grouping thousands of series.
 */
final class StoredPoints {
    /** KairosDB metrics per query: a request stays small however many metrics a flush touched. */
    private static final int METRICS_PER_QUERY = 100;

    private final HttpClient client;
    private final KairosMapping mapping;
    private final KairosReads.Retrying retrying;

    StoredPoints(HttpClient client, KairosMapping mapping, KairosReads.Retrying retrying) {
        this.client = client;
        this.mapping = mapping;
        this.retrying = retrying;
    }

    boolean hold(List<Partial> partials) {
        // resolution + stream -> KairosDB metric -> slot -> expected values
        Map<String, Map<String, NavigableMap<Long, List<Object>>>> expected = new TreeMap<>();
        Map<String, Kind> kinds = new HashMap<>();
        for (Partial p : partials) {
            PartialId id = p.id();
            String metric = mapping.metricName(id.series().metric(), id.kind(), id.resolution());
            kinds.put(metric, id.kind());
            expected.computeIfAbsent(id.resolution().name() + " " + id.origin().stream(), k -> new TreeMap<>())
                    .computeIfAbsent(metric, k -> new TreeMap<>())
                    .computeIfAbsent(id.slot(), k -> new ArrayList<>())
                    .add(id.kind() == Kind.COUNTER ? (Object) p.aggregate().count() : p.aggregate());
        }
        for (Map.Entry<String, Map<String, NavigableMap<Long, List<Object>>>> group : expected.entrySet()) {
            String stream = group.getKey().substring(group.getKey().indexOf(' ') + 1);
            List<String> metrics = new ArrayList<>(group.getValue().keySet());
            for (int from = 0; from < metrics.size(); from += METRICS_PER_QUERY) {
                List<String> some = metrics.subList(from, Math.min(metrics.size(), from + METRICS_PER_QUERY));
                Map<String, NavigableMap<Long, List<Object>>> want = new TreeMap<>();
                some.forEach(m -> want.put(m, group.getValue().get(m)));
                Map<String, Map<Long, List<Object>>> stored = storedAt(want, kinds, stream);
                for (Map.Entry<String, NavigableMap<Long, List<Object>>> metric : want.entrySet()) {
                    Map<Long, List<Object>> storedSlots = stored.getOrDefault(metric.getKey(), Map.of());
                    for (Map.Entry<Long, List<Object>> slot : metric.getValue().entrySet()) {
                        if (!containsAll(storedSlots.getOrDefault(slot.getKey(), List.of()), slot.getValue())) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** The values of every point of the given metrics with {@code _src=stream} between their first and last slot. */
    private Map<String, Map<Long, List<Object>>> storedAt(Map<String, NavigableMap<Long, List<Object>>> want,
                                                          Map<String, Kind> kinds, String stream) {
        long start = want.values().stream().mapToLong(NavigableMap::firstKey).min().orElseThrow();
        long end = want.values().stream().mapToLong(NavigableMap::lastKey).max().orElseThrow();
        Supplier<Map<String, Map<Long, List<Object>>>> query = () -> {
            QueryBuilder builder = QueryBuilder.getInstance().setStart(new Date(start)).setEnd(new Date(end));
            for (String metric : want.keySet()) {
                builder.addMetric(metric).addTag(KairosMapping.SOURCE_TAG, stream);
            }
            Map<String, Map<Long, List<Object>>> stored = new HashMap<>();
            for (QueryResult q : client.query(builder).getQueries()) {
                for (Result result : q.getResults()) {
                    Kind kind = kinds.get(result.getName());
                    Map<Long, List<Object>> slots = stored.computeIfAbsent(result.getName(), k -> new HashMap<>());
                    for (DataPoint point : result.getDataPoints()) {
                        Object value = kind == Kind.COUNTER ? (Object) ((Number) point.getValue()).longValue()
                                : AggregateJson.fromJson(kind, (JsonElement) point.getValue());
                        slots.computeIfAbsent(point.getTimestamp(), k -> new ArrayList<>()).add(value);
                    }
                }
            }
            return stored;
        };
        return retrying.call("read back " + want.size() + " metrics of " + stream, query);
    }

    /** True when every value of {@code expected} is in {@code stored}, as many times as it is expected. */
    private static boolean containsAll(List<Object> stored, List<Object> expected) {
        Map<Object, Integer> left = new HashMap<>();
        stored.forEach(v -> left.merge(v, 1, Integer::sum));
        for (Object v : expected) {
            Integer n = left.get(v);
            if (n == null || n == 0) {
                return false;
            }
            left.put(v, n - 1);
        }
        return true;
    }
}
