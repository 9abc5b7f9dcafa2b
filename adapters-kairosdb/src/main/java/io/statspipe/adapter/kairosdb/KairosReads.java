package io.statspipe.adapter.kairosdb;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.statspipe.domain.Aggregate;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Tags;
import io.statspipe.ports.in.TagFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.kairosdb.client.HttpClient;
import org.kairosdb.client.builder.AggregatorFactory;
import org.kairosdb.client.builder.DataPoint;
import org.kairosdb.client.builder.QueryBuilder;
import org.kairosdb.client.builder.QueryMetric;
import org.kairosdb.client.builder.QueryTagBuilder;
import org.kairosdb.client.builder.TimeUnit;
import org.kairosdb.client.builder.aggregator.CustomAggregator;
import org.kairosdb.client.builder.grouper.TagGrouper;
import org.kairosdb.client.response.GroupResult;
import org.kairosdb.client.response.QueryResponse;
import org.kairosdb.client.response.QueryResult;
import org.kairosdb.client.response.Result;
import org.kairosdb.client.response.TagQueryResult;
import org.kairosdb.client.response.TagResult;
import org.kairosdb.client.response.grouping.TagGroupResult;

/**
 * The read side: asks KairosDB for a series' partials combined per bucket on the server (its
 * {@code sum} over long counts, statspipe's {@code statspipe_merge} over gauge and distribution
 * states) and grouped by the tags the caller groups by; a group's buckets come back as whole
 * aggregates.
 *
 * <p>KairosDB's tag filter matches every series whose tags include the filter's, which is the
 * INCLUDING mode. EXACTLY needs each stored series on its own: it groups by every user tag key of
 * the metric, so each KairosDB group is one exact tag set (a tag the series lacks comes back as
 * an empty value, which no statspipe tag can have), keeps the groups whose tags equal the
 * filter's, and merges them into the caller's groups here.
 */
final class KairosReads {
    private final HttpClient client;
    private final KairosStoreConfig config;
    private final Retrying retrying;

    KairosReads(HttpClient client, KairosStoreConfig config, Retrying retrying) {
        this.client = client;
        this.config = config;
        this.retrying = retrying;
        // A gauge's, distribution's or set's value in an answer is the plugin's JSON object; read it as JSON.
        client.registerCustomDataType(KairosPlugin.GAUGE_TYPE, JsonObject.class);
        client.registerCustomDataType(KairosPlugin.DIST_TYPE, JsonObject.class);
        client.registerCustomDataType(KairosPlugin.SET_TYPE, JsonObject.class);
    }

    /**
     * The aggregates of the series of {@code metric} that pass {@code filter}, merged per output
     * group ({@code groupBy} tag values) and bucket of {@code resolution} starting in [from, to).
     */
    SortedMap<Tags, SortedMap<Long, Aggregate>> read(String metric, Kind kind, Resolution resolution, TagFilter filter,
                                                     Set<String> groupBy, long from, long to) {
        Buckets buckets = Buckets.of(resolution.widthMillis(), from, to);
        SortedMap<Tags, SortedMap<Long, Aggregate>> out = new TreeMap<>(Comparator.comparing(Tags::toString));
        if (buckets.isEmpty()) {
            return out;
        }
        SortedSet<String> userGroupBy = new TreeSet<>();
        groupBy.stream().filter(k -> !KairosMapping.isInternalTag(k)).forEach(userGroupBy::add);
        boolean exact = filter.match() == TagFilter.Match.EXACTLY;
        String kairosMetric = config.mapping().metricName(metric, kind, resolution);
        SortedSet<String> seriesKeys = new TreeSet<>();
        if (exact) {
            seriesKeys.addAll(userTagKeys(kairosMetric, filter.tags(), buckets.queryStart(), buckets.queryEnd()));
        }
        SortedSet<String> keys = new TreeSet<>(userGroupBy);
        keys.addAll(seriesKeys);
        for (Group group : fetch(new Fetch(kind, kairosMetric, keys), filter.tags(), buckets.width(),
                buckets.queryStart(), buckets.queryEnd())) {
            if (exact && !group.tagsAmong(seriesKeys).equals(filter.tags())) {
                continue;
            }
            SortedMap<Long, Aggregate> cells = out.computeIfAbsent(group.tagsAmong(userGroupBy), g -> new TreeMap<>());
            for (DataPoint point : group.points()) {
                long bucket = buckets.of(point.getTimestamp());
                if (buckets.holds(bucket)) {
                    cells.merge(bucket, aggregateOf(kind, point), Aggregate::merge);
                }
            }
        }
        out.values().removeIf(Map::isEmpty);
        return out;
    }

    private static Aggregate aggregateOf(Kind kind, DataPoint point) {
        return kind == Kind.COUNTER ? new CounterAggregate(asLong(point))
                : AggregateJson.fromJson(kind, (JsonElement) point.getValue());
    }

    /** The buckets starting in [from, to), and the KairosDB query range that covers exactly them. */
    private record Buckets(long width, long first, long last) {
        static Buckets of(long width, long from, long to) {
            return new Buckets(width, Math.floorDiv(from + width - 1, width) * width, Math.floorDiv(to - 1, width) * width);
        }

        boolean isEmpty() {
            return first > last;
        }

        long queryStart() {
            return first;
        }

        long queryEnd() {
            return last + width - 1;
        }

        /** The start of the bucket holding a timestamp. */
        long of(long timestamp) {
            return Math.floorDiv(timestamp, width) * width;
        }

        boolean holds(long bucket) {
            return bucket >= first && bucket <= last;
        }
    }

    /** The user tag keys (not ours) of the series of a KairosDB metric that include {@code filter}. */
    SortedSet<String> userTagKeys(String kairosMetric, Tags filter, long start, long end) {
        SortedSet<String> keys = new TreeSet<>();
        for (String key : tagKeys(kairosMetric, filter, start, end)) {
            if (!KairosMapping.isInternalTag(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Every tag key of the series of a KairosDB metric that include {@code filter}, ours too. */
    SortedSet<String> tagKeys(String kairosMetric, Tags filter, long start, long end) {
        return retrying.call("read tags of " + kairosMetric, () -> {
            QueryTagBuilder builder = QueryTagBuilder.getInstance().setStart(new Date(start)).setEnd(new Date(end));
            builder.addMetric(kairosMetric).addTags(filter.asMap());
            SortedSet<String> keys = new TreeSet<>();
            for (TagQueryResult query : client.queryTags(builder).getQueries()) {
                for (TagResult result : query.getResults()) {
                    keys.addAll(result.getTags().keySet());
                }
            }
            return keys;
        });
    }

    List<String> metricNames() {
        return retrying.call("list metric names", client::getMetricNames);
    }

    /** The groups of one KairosDB metric (grouped by {@code keys}) with data between start and end. */
    List<Group> groups(String kairosMetric, Kind kind, Collection<String> keys, Tags filter, long start, long end) {
        return fetch(new Fetch(kind, kairosMetric, new TreeSet<>(keys)), filter, end - start + 1, start, end);
    }

    private List<Group> fetch(Fetch fetch, Tags filter, long width, long start, long end) {
        return retrying.call("query " + fetch.kairosMetric(), () -> {
            QueryBuilder builder = QueryBuilder.getInstance().setStart(new Date(start)).setEnd(new Date(end));
            QueryMetric metric = builder.addMetric(fetch.kairosMetric()).addTags(filter.asMap());
            if (!fetch.groupKeys().isEmpty()) {
                metric.addGrouper(new TagGrouper(new ArrayList<>(fetch.groupKeys())));
            }
            // Buckets are [start + k*width, ...) with start on a bucket boundary, so aligning the
            // sampling to the query's start makes KairosDB's ranges exactly our buckets.
            metric.addAggregator(fetch.kind() == Kind.COUNTER
                    ? AggregatorFactory.createSumAggregator(width, TimeUnit.MILLISECONDS).withStartTimeAlignment()
                    : new CustomAggregator(KairosPlugin.MERGE, "\"sampling\":{\"value\":" + width
                            + ",\"unit\":\"milliseconds\"},\"align_start_time\":true"));
            QueryResponse response = client.query(builder);
            List<Group> groups = new ArrayList<>();
            for (QueryResult query : response.getQueries()) {
                for (Result result : query.getResults()) {
                    if (result.getDataPoints().isEmpty()) {
                        continue;
                    }
                    Map<String, String> values = new TreeMap<>();
                    for (GroupResult g : result.getGroupResults()) {
                        if (g instanceof TagGroupResult tags) {
                            tags.getGroup().forEach((k, v) -> {
                                if (v != null && !v.isEmpty()) {
                                    values.put(k, v);
                                }
                            });
                        }
                    }
                    groups.add(new Group(values, result.getDataPoints()));
                }
            }
            return groups;
        });
    }

    private static long asLong(DataPoint point) {
        Object v = point.getValue();
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        return new BigDecimal(String.valueOf(v)).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
    }

    private record Fetch(Kind kind, String kairosMetric, SortedSet<String> groupKeys) {
    }

    /** One group of an answer: its tag values (tags its series lack are left out) and points. */
    record Group(Map<String, String> values, List<DataPoint> points) {
        Tags tagsAmong(Set<String> keys) {
            Map<String, String> kept = new TreeMap<>(values);
            kept.keySet().retainAll(keys);
            return Tags.of(kept);
        }
    }

    /** Runs a KairosDB call, retried with backoff; fails with EngineUnavailableException. */
    interface Retrying {
        <T> T call(String what, Supplier<T> call);
    }
}
