package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Tags;
import io.statspipe.ports.in.TagFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
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
import org.kairosdb.client.builder.grouper.TagGrouper;
import org.kairosdb.client.response.GroupResult;
import org.kairosdb.client.response.QueryResponse;
import org.kairosdb.client.response.QueryResult;
import org.kairosdb.client.response.Result;
import org.kairosdb.client.response.TagQueryResult;
import org.kairosdb.client.response.TagResult;
import org.kairosdb.client.response.grouping.TagGroupResult;

/**
 * The read side: asks KairosDB for the fields of a metric, combined per bucket on the server
 * where that is exact, and finishes the combination here.
 *
 * <p>KairosDB's tag filter matches every series whose tags include the filter's, which is the
 * INCLUDING mode. EXACTLY, and gauge "last" (whose value must be paired with its timestamp
 * partial by partial), need each stored series on its own: those reads group by every user tag
 * key of the metric, so each KairosDB group is one exact tag set (a tag the series lacks comes
 * back as an empty value, which no statspipe tag can have).
 */
final class KairosReads {
    private final HttpClient client;
    private final KairosStoreConfig config;
    private final Retrying retrying;

    KairosReads(HttpClient client, KairosStoreConfig config, Retrying retrying) {
        this.client = client;
        this.config = config;
        this.retrying = retrying;
    }

    /**
     * The fields of the series of {@code metric} that pass {@code filter}, combined per output
     * group ({@code groupBy} tag values) and bucket of {@code resolution} starting in [from, to).
     */
    SortedMap<Tags, SortedMap<Long, BucketFields>> read(String metric, Kind kind, Resolution resolution,
                                                        TagFilter filter, Set<String> groupBy, Set<Field> fields,
                                                        long from, long to) {
        Buckets buckets = Buckets.of(resolution.widthMillis(), from, to);
        Combination combination = new Combination(buckets);
        if (buckets.isEmpty()) {
            return combination.out;
        }
        SortedSet<String> userGroupBy = new TreeSet<>();
        groupBy.stream().filter(k -> !KairosMapping.isInternalTag(k)).forEach(userGroupBy::add);
        boolean exact = filter.match() == TagFilter.Match.EXACTLY;
        SortedSet<String> seriesKeys = new TreeSet<>();
        if (exact || fields.contains(Field.LAST)) {
            String probe = config.mapping().metricName(metric, kind, resolution, fields.iterator().next());
            seriesKeys.addAll(userTagKeys(probe, filter.tags(), buckets.queryStart(), buckets.queryEnd()));
        }
        List<Fetch> fetches = new ArrayList<>();
        for (Field field : fields) {
            SortedSet<String> keys = new TreeSet<>(userGroupBy);
            keys.addAll(seriesKeys);
            if (field.combine == Field.Combine.NONE) {
                keys.add(KairosMapping.SOURCE_TAG);
            }
            if (field == Field.BINS) {
                keys.add(KairosMapping.BIN_TAG);
            }
            fetches.add(new Fetch(field, config.mapping().metricName(metric, kind, resolution, field), keys));
        }
        List<List<Group>> answers = fetch(fetches, filter.tags(), buckets.width(), buckets.queryStart(),
                buckets.queryEnd());
        for (int i = 0; i < fetches.size(); i++) {
            for (Group group : answers.get(i)) {
                if (!exact || group.tagsAmong(seriesKeys).equals(filter.tags())) {
                    combination.add(fetches.get(i).field(), group, group.tagsAmong(userGroupBy));
                }
            }
        }
        return combination.finish();
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

    /** Combines KairosDB's answers per output group and bucket. */
    private static final class Combination {
        final Buckets buckets;
        final SortedMap<Tags, SortedMap<Long, BucketFields>> out = new TreeMap<>(Comparator.comparing(Tags::toString));
        /** "last" values and their timestamps, paired per stored series, stream and slot. */
        final Map<LastKey, double[]> lastPairs = new HashMap<>();

        Combination(Buckets buckets) {
            this.buckets = buckets;
        }

        void add(Field field, Group group, Tags outGroup) {
            for (DataPoint point : group.points()) {
                long bucket = buckets.of(point.getTimestamp());
                if (!buckets.holds(bucket)) {
                    continue;
                }
                if (field.combine == Field.Combine.NONE) {
                    double[] pair = lastPairs.computeIfAbsent(new LastKey(outGroup, group.values(), point.getTimestamp()),
                            k -> new double[] {Double.NaN, Double.NaN});
                    pair[field == Field.LAST ? 0 : 1] = field == Field.LAST_AT ? asLong(point) : asDouble(point);
                    continue;
                }
                BucketFields cell = cell(outGroup, bucket);
                switch (field) {
                    case COUNT -> cell.addCount(asLong(point));
                    case SUM -> cell.addSum(asDouble(point));
                    case MIN -> cell.addMin(asDouble(point));
                    case MAX -> cell.addMax(asDouble(point));
                    case BINS -> cell.addBin(group.values().get(KairosMapping.BIN_TAG), asLong(point));
                    case LAST, LAST_AT -> throw new IllegalStateException(field + " is paired, not combined");
                }
            }
        }

        SortedMap<Tags, SortedMap<Long, BucketFields>> finish() {
            lastPairs.forEach((key, pair) -> {
                if (!Double.isNaN(pair[0]) && !Double.isNaN(pair[1])) {
                    cell(key.outGroup(), buckets.of(key.slot())).offerLast(pair[0], (long) pair[1]);
                }
            });
            return out;
        }

        private BucketFields cell(Tags group, long bucket) {
            return out.computeIfAbsent(group, g -> new TreeMap<>()).computeIfAbsent(bucket, b -> new BucketFields());
        }
    }

    private record LastKey(Tags outGroup, Map<String, String> series, long slot) {
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
    List<Group> groups(String kairosMetric, Collection<String> keys, Tags filter, long start, long end) {
        Fetch fetch = new Fetch(Field.COUNT, kairosMetric, new TreeSet<>(keys));
        return fetch(List.of(fetch), filter, end - start + 1, start, end).get(0);
    }

    private List<List<Group>> fetch(List<Fetch> fetches, Tags filter, long width, long start, long end) {
        return retrying.call("query " + fetches.get(0).kairosMetric(), () -> {
            QueryBuilder builder = QueryBuilder.getInstance().setStart(new Date(start)).setEnd(new Date(end));
            for (Fetch fetch : fetches) {
                QueryMetric metric = builder.addMetric(fetch.kairosMetric()).addTags(filter.asMap());
                if (!fetch.groupKeys().isEmpty()) {
                    metric.addGrouper(new TagGrouper(new ArrayList<>(fetch.groupKeys())));
                }
                // Buckets are [start + k*width, ...) with start on a bucket boundary, so aligning the
                // sampling to the query's start makes KairosDB's ranges exactly our buckets.
                switch (fetch.field().combine) {
                    case SUM -> metric.addAggregator(AggregatorFactory.createSumAggregator(width, TimeUnit.MILLISECONDS)
                            .withStartTimeAlignment());
                    case MIN -> metric.addAggregator(AggregatorFactory.createMinAggregator(width, TimeUnit.MILLISECONDS)
                            .withStartTimeAlignment());
                    case MAX -> metric.addAggregator(AggregatorFactory.createMaxAggregator(width, TimeUnit.MILLISECONDS)
                            .withStartTimeAlignment());
                    case NONE -> {
                        // raw partials, combined here
                    }
                }
            }
            QueryResponse response = client.query(builder);
            List<List<Group>> answers = new ArrayList<>();
            for (QueryResult query : response.getQueries()) {
                List<Group> groups = new ArrayList<>();
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
                answers.add(groups);
            }
            return answers;
        });
    }

    private static long asLong(DataPoint point) {
        Object v = point.getValue();
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        return new BigDecimal(String.valueOf(v)).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
    }

    private static double asDouble(DataPoint point) {
        return ((Number) point.getValue()).doubleValue();
    }

    private record Fetch(Field field, String kairosMetric, SortedSet<String> groupKeys) {
    }

    /** One group of an answer: its tag values (tags its series lack are left out) and points. */
    record Group(Map<String, String> values, List<DataPoint> points) {
        Tags tagsAmong(Set<String> keys) {
            Map<String, String> kept = new TreeMap<>(values);
            kept.keySet().retainAll(keys);
            return Tags.of(kept);
        }
    }

    /** Every field a stored aggregate of {@code kind} can have. */
    static Set<Field> allFields(Kind kind) {
        return switch (kind) {
            case COUNTER -> EnumSet.of(Field.COUNT);
            case GAUGE -> EnumSet.of(Field.COUNT, Field.SUM, Field.MIN, Field.MAX, Field.LAST, Field.LAST_AT);
            case DISTRIBUTION -> EnumSet.of(Field.COUNT, Field.SUM, Field.MIN, Field.MAX, Field.BINS);
        };
    }

    /** Runs a KairosDB call, retried with backoff; fails with EngineUnavailableException. */
    interface Retrying {
        <T> T call(String what, Supplier<T> call);
    }
}
