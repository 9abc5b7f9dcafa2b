package io.statspipe.ports.out;

import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import java.util.List;

/** The aggregate store's query side: combines the partials of each bucket into one value. */
public interface QueryAggregatesPort {

    /** @throws EngineUnavailableException when the store cannot answer now */
    List<SeriesResult> query(StatsQuery query);
}
