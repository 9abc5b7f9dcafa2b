package io.statspipe.ports.in;

import java.util.List;

/** Answers questions about stored stats. */
public interface QueryStatsUseCase {

    /** One result per group, sorted by group tags; buckets without data are left out. */
    List<SeriesResult> query(StatsQuery query);
}
