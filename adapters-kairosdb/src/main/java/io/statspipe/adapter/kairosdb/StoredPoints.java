package io.statspipe.adapter.kairosdb;

import com.google.gson.JsonElement;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * <p>The partials are checked in groups, one per KairosDB metric and input stream. A query asks,
 * per group, for every point of the metric with that {@code _src} between the first and last slot
 * asked for, without grouping, and a group is stored once each partial's value is among the
 * values at its slot, counted as a multiset (two series with equal counts need two points).
 * Values stand in for tag sets because of an invariant of the mapping: under one KairosDB metric
 * and one {@code _src}, a slot holds points of the one flush whose slot it is (a metric holds one
 * kind at one resolution; the slots of one stream's flushes in a bucket are distinct), and a
 * replay writes the same values. So every point there is one of the flush's own, and a missing
 * point means a missing value. Asking for values lets KairosDB answer without grouping thousands
 * of series.
 *
 * <p>The last group, in the order of the metrics' names, is looked at first and alone:
 * {@link KairosAggregateStore#write} sends the points in that order and KairosDB stores a
 * request's points in order, so while KairosDB is still inserting, a look costs one metric's
 * query instead of the whole flush's. Once the last group is stored, every other group is
 * checked (one query per resolution and stream, of up to {@value #METRICS_PER_QUERY} metrics),
 * and the groups not all stored are returned whole, so that a next look, with what was returned,
 * asks only for them and the multiset count holds across looks.
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

    /** A group's partials and what they expect: slot -> values. */
    private record Group(String metric, String stream, Kind kind, Resolution resolution, List<Partial> partials,
                         NavigableMap<Long, List<Object>> expected) {
        boolean heldBy(Map<Long, List<Object>> storedSlots) {
            for (Map.Entry<Long, List<Object>> slot : expected.entrySet()) {
                if (!containsAll(storedSlots.getOrDefault(slot.getKey(), List.of()), slot.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    List<Partial> unconfirmed(List<Partial> partials) {
        // KairosDB metric and stream -> the group's partials and expected values
        Map<List<String>, Group> byMetric = new LinkedHashMap<>();
        for (Partial p : partials) {
            PartialId id = p.id();
            String metric = mapping.metricName(id.series().metric(), id.kind(), id.resolution());
            Group group = byMetric.computeIfAbsent(List.of(metric, id.origin().stream()),
                    k -> new Group(metric, id.origin().stream(), id.kind(), id.resolution(), new ArrayList<>(), new TreeMap<>()));
            group.partials().add(p);
            group.expected().computeIfAbsent(id.slot(), k -> new ArrayList<>())
                    .add(id.kind() == Kind.COUNTER ? (Object) p.aggregate().count() : p.aggregate());
        }
        if (byMetric.isEmpty()) {
            return List.of();
        }
        Group last = Collections.max(byMetric.values(), Comparator.comparing(Group::metric));
        if (!notStored(List.of(last)).isEmpty()) {
            return partials;
        }
        // one query per resolution and stream, so that each asks for a span of slots of its own
        Map<List<String>, List<Group>> byQuery = new LinkedHashMap<>();
        for (Group g : byMetric.values()) {
            if (g != last) {
                byQuery.computeIfAbsent(List.of(g.resolution().name(), g.stream()), k -> new ArrayList<>()).add(g);
            }
        }
        List<Partial> unconfirmed = new ArrayList<>();
        for (List<Group> together : byQuery.values()) {
            for (int from = 0; from < together.size(); from += METRICS_PER_QUERY) {
                notStored(together.subList(from, Math.min(together.size(), from + METRICS_PER_QUERY)))
                        .forEach(g -> unconfirmed.addAll(g.partials()));
            }
        }
        return unconfirmed;
    }

    /** The groups of {@code some} not all stored, asked for in one query. */
    private List<Group> notStored(List<Group> some) {
        List<Map<Long, List<Object>>> stored = storedAt(some);
        List<Group> missing = new ArrayList<>();
        for (int i = 0; i < some.size(); i++) {
            if (!some.get(i).heldBy(stored.get(i))) {
                missing.add(some.get(i));
            }
        }
        return missing;
    }

    /**
     * For each group, the values of every point of its metric with its {@code _src} between the
     * first and last slot of all the groups, by slot (KairosDB answers a query's metrics in order).
     */
    private List<Map<Long, List<Object>>> storedAt(List<Group> some) {
        long start = some.stream().mapToLong(g -> g.expected().firstKey()).min().orElseThrow();
        long end = some.stream().mapToLong(g -> g.expected().lastKey()).max().orElseThrow();
        Supplier<List<Map<Long, List<Object>>>> query = () -> {
            QueryBuilder builder = QueryBuilder.getInstance().setStart(new Date(start)).setEnd(new Date(end));
            for (Group group : some) {
                builder.addMetric(group.metric()).addTag(KairosMapping.SOURCE_TAG, group.stream());
            }
            List<QueryResult> answers = client.query(builder).getQueries();
            if (answers.size() != some.size()) {
                throw new IllegalStateException("KairosDB answered " + answers.size() + " of " + some.size()
                        + " metrics of a read-back query");
            }
            List<Map<Long, List<Object>>> stored = new ArrayList<>(some.size());
            for (int i = 0; i < some.size(); i++) {
                Kind kind = some.get(i).kind();
                Map<Long, List<Object>> slots = new HashMap<>();
                for (Result result : answers.get(i).getResults()) {
                    for (DataPoint point : result.getDataPoints()) {
                        Object value = kind == Kind.COUNTER ? (Object) ((Number) point.getValue()).longValue()
                                : AggregateJson.fromJson(kind, (JsonElement) point.getValue());
                        slots.computeIfAbsent(point.getTimestamp(), k -> new ArrayList<>()).add(value);
                    }
                }
                stored.add(slots);
            }
            return stored;
        };
        return retrying.call("read back " + some.size() + " metrics", query);
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
