package io.statspipe.ports.service;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.ports.in.QueryStatsUseCase;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.out.QueryAggregatesPort;
import java.util.List;

/**
 * Answers queries from the aggregate store, refusing those that would be expensive by mistake:
 * more buckets than {@code maxBuckets} in one answer.
 */
public final class QueryStatsService implements QueryStatsUseCase {
    private final QueryAggregatesPort store;
    private final long maxBuckets;

    public QueryStatsService(QueryAggregatesPort store, long maxBuckets) {
        this.store = store;
        this.maxBuckets = maxBuckets;
    }

    @Override
    public List<SeriesResult> query(StatsQuery query) {
        long buckets = (query.range().to() - query.range().from()) / query.resolution().widthMillis();
        if (buckets > maxBuckets) {
            throw new InvalidStatException("query of '" + query.metric() + "' spans " + buckets + " buckets of "
                    + query.resolution() + ", more than " + maxBuckets + ": choose a coarser resolution or a shorter range");
        }
        return store.query(query);
    }
}
