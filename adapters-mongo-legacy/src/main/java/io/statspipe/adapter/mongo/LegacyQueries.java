package io.statspipe.adapter.mongo;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Tags;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.out.QueryAggregatesPort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers stats queries from the legacy store, so reads can stay on MongoDB while it is the
 * primary store. It answers what the legacy documents hold: counts of counters and timings
 * per minute (from {@code m}) or per whole-minute width (5m, 15m ...), per hour or whole-hour
 * width up to a day (from {@code h}); and for timings the sum, min, max and avg of whole days.
 * It refuses, naming the reason, what they cannot answer: percentiles, gauges, timing sums,
 * minima, maxima and averages finer than a day, and buckets narrower than a minute.
 */
public final class LegacyQueries implements QueryAggregatesPort {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyQueries.class);

    private final LegacyHistoryReader reader;

    public LegacyQueries(com.mongodb.client.MongoDatabase database) {
        this.reader = new LegacyHistoryReader(database);
    }

    @Override
    public List<SeriesResult> query(StatsQuery query) {
        refuseWhatTheLegacyStoreCannotAnswer(query);
        Map<Tags, TreeMap<Long, Aggregate>> groups = new TreeMap<>(Comparator.comparing(Tags::toString));
        List<String> skipped = new ArrayList<>();
        reader.forEachDay(LegacyHistoryReader.daysOf(query.range()), query.metric() + "|", "", (Document doc, LegacyDay day) -> {
            if (day.kind() != query.kind() || !query.filter().accepts(day.series().tags())) {
                return;
            }
            TreeMap<Long, Aggregate> group = groups.computeIfAbsent(day.series().tags().keepOnly(query.groupBy()),
                    g -> new TreeMap<>());
            day.buckets(query.resolution()).stream().filter(b -> query.range().contains(b.bucket().start()))
                    .forEach(b -> group.merge(b.bucket().start(), b.aggregate(), Aggregate::merge));
        }, skipped);
        skipped.forEach(reason -> LOG.warn("legacy document left out of a query of '{}': {}", query.metric(), reason));
        List<SeriesResult> results = new ArrayList<>(groups.size());
        groups.forEach((group, buckets) -> results.add(new SeriesResult(group, buckets.entrySet().stream()
                .map(b -> new Point(b.getKey(), b.getValue().value(query.aggregation()))).toList())));
        return results;
    }

    private static void refuseWhatTheLegacyStoreCannotAnswer(StatsQuery query) {
        String what = query.aggregation() + " of '" + query.metric() + "' in " + query.resolution() + " buckets";
        if (!LegacySchema.holds(query.kind())) {
            throw new InvalidStatException("the legacy MongoDB store cannot answer " + what
                    + ": it never kept " + query.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + "s, only counters and timings");
        }
        if (query.aggregation().type() == Aggregation.Type.PERCENTILE) {
            throw new InvalidStatException("the legacy MongoDB store cannot answer " + what
                    + ": it keeps no quantiles, only counts per minute and hour and sum/min/max per day");
        }
        if (query.resolution().widthMillis() % LegacySchema.MINUTE_MILLIS != 0) {
            throw new InvalidStatException("the legacy MongoDB store cannot answer " + what
                    + ": it counts per minute at the finest");
        }
        if (query.kind() == Kind.DISTRIBUTION && query.aggregation().type() != Aggregation.Type.COUNT
                && query.resolution().widthMillis() != LegacySchema.DAY_MILLIS) {
            throw new InvalidStatException("the legacy MongoDB store cannot answer " + what
                    + ": it keeps timings' sum, min and max per day only (ask for count, or 1d buckets)");
        }
    }
}
