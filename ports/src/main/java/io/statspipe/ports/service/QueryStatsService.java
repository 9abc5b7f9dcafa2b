package io.statspipe.ports.service;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.ports.in.QueryStatsUseCase;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.out.QueryAggregatesPort;
import java.util.List;
import java.util.Optional;

/**
 * Answers queries from the aggregate store, refusing those that would be expensive by mistake
 * (more buckets than {@code maxBuckets} in one answer) and, given the rules in force, those of a
 * resolution no rule keeps for the metric: their answer would be empty, not zero.
 */
public final class QueryStatsService implements QueryStatsUseCase {
    private final QueryAggregatesPort store;
    private final long maxBuckets;
    private final Optional<RuleSet> rules;

    /** Without rules: every resolution is asked of the store. */
    public QueryStatsService(QueryAggregatesPort store, long maxBuckets) {
        this(store, maxBuckets, Optional.empty());
    }

    public QueryStatsService(QueryAggregatesPort store, long maxBuckets, Optional<RuleSet> rules) {
        this.store = store;
        this.maxBuckets = maxBuckets;
        this.rules = rules;
    }

    @Override
    public List<SeriesResult> query(StatsQuery query) {
        long buckets = (query.range().to() - query.range().from()) / query.resolution().widthMillis();
        if (buckets > maxBuckets) {
            throw new InvalidStatException("query of '" + query.metric() + "' spans " + buckets + " buckets of "
                    + query.resolution() + ", more than " + maxBuckets + ": choose a coarser resolution or a shorter range");
        }
        rules.ifPresent(r -> requireKept(r, query));
        return store.query(query);
    }

    private static void requireKept(RuleSet rules, StatsQuery query) {
        Optional<RollupRule> writer = rules.writerOf(query.metric());
        if (writer.isEmpty()) {
            throw new InvalidStatException("no rollup rule writes '" + query.metric() + "' (statspipe.rollup.rules)");
        }
        List<Resolution> kept = writer.get().resolutions();
        if (kept.stream().noneMatch(r -> r.widthMillis() == query.resolution().widthMillis())) {
            throw new InvalidStatException("resolution " + query.resolution() + " is not kept for '" + query.metric()
                    + "': rule '" + writer.get().name() + "' keeps " + kept.stream().map(Resolution::name).toList());
        }
    }
}
