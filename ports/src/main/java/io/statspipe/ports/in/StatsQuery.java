package io.statspipe.ports.in;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A question about one metric: which series (tag filter), which kind, over which time range, in
 * buckets of which resolution, which aggregation per bucket, grouped by which tags. Without
 * group-by, all matching series are combined into one.
 */
public record StatsQuery(String metric, Kind kind, TagFilter filter, TimeRange range, Resolution resolution,
                         Aggregation aggregation, SortedSet<String> groupBy) {

    public StatsQuery {
        if (metric == null || metric.isBlank()) {
            throw new InvalidStatException("query needs a metric name");
        }
        if (kind == null || filter == null || range == null || resolution == null || aggregation == null) {
            throw new InvalidStatException("query of '" + metric
                    + "' needs a kind, a tag filter, a time range, a resolution and an aggregation");
        }
        groupBy = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(groupBy == null ? Set.of() : groupBy));
        // Asking the impossible is an error, not an empty answer.
        new io.statspipe.domain.Series(metric, io.statspipe.domain.Tags.none());
        if (aggregation.type() == Aggregation.Type.PERCENTILE && kind != Kind.DISTRIBUTION) {
            throw new InvalidStatException("percentiles exist only for distributions (timings), not for "
                    + kind.name().toLowerCase() + " '" + metric + "'");
        }
        if (aggregation.type() == Aggregation.Type.UNIQUE && kind != Kind.SET) {
            throw new InvalidStatException("unique counts exist only for sets (|s), not for "
                    + kind.name().toLowerCase() + " '" + metric + "'");
        }
        if (kind == Kind.SET && aggregation.type() != Aggregation.Type.UNIQUE
                && aggregation.type() != Aggregation.Type.COUNT) {
            throw new InvalidStatException("a set such as '" + metric + "' answers 'unique' (distinct members) or"
                    + " 'count' (members received), not '" + aggregation + "'");
        }
        if (aggregation.type() == Aggregation.Type.LAST && kind == Kind.DISTRIBUTION) {
            throw new InvalidStatException("'last' is not kept for distributions such as '" + metric + "'");
        }
    }

    public static StatsQuery of(String metric, Kind kind, TimeRange range, Resolution resolution, Aggregation aggregation) {
        return new StatsQuery(metric, kind, TagFilter.any(), range, resolution, aggregation, new TreeSet<>());
    }

    public StatsQuery withFilter(TagFilter newFilter) {
        return new StatsQuery(metric, kind, newFilter, range, resolution, aggregation, groupBy);
    }

    public StatsQuery groupedBy(String... tagKeys) {
        return new StatsQuery(metric, kind, filter, range, resolution, aggregation, new TreeSet<>(Set.of(tagKeys)));
    }
}
