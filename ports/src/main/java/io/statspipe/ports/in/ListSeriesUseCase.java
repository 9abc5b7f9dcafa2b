package io.statspipe.ports.in;

import io.statspipe.ports.out.ReadScope;
import io.statspipe.ports.out.SeriesKey;
import java.util.List;

/** Which series exist: what a tenant (or an administrator) has, to list its metrics and tags. */
public interface ListSeriesUseCase {

    /**
     * The series in scope with data in {@code range} whose metric starts with {@code metricPrefix}
     * ("" for all), ordered by metric, kind and tags.
     */
    List<SeriesKey> list(ReadScope scope, String metricPrefix, TimeRange range);
}
