package io.statspipe.ports.service;

import io.statspipe.ports.in.ListSeriesUseCase;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.ReadScope;
import io.statspipe.ports.out.SeriesKey;
import java.util.Comparator;
import java.util.List;

/**
 * Lists series from the store's {@link ReadBucketsPort#listSeries}, keeping a tenant's own: those
 * whose {@code tenant} tag is its name (a series without the tag belongs to no tenant).
 */
public final class ListSeriesService implements ListSeriesUseCase {
    /** The tag a series' tenant is named by. */
    public static final String TENANT_TAG = "tenant";
    private static final Comparator<SeriesKey> ORDER = Comparator.comparing((SeriesKey k) -> k.series().metric())
            .thenComparing(SeriesKey::kind).thenComparing(k -> k.series().tags().toString());

    private final ReadBucketsPort store;

    public ListSeriesService(ReadBucketsPort store) {
        this.store = store;
    }

    @Override
    public List<SeriesKey> list(ReadScope scope, String metricPrefix, TimeRange range) {
        return store.listSeries(metricPrefix, range).stream()
                .filter(k -> scope.tenant().isEmpty() || k.series().tags().value(TENANT_TAG).equals(scope.tenant()))
                .sorted(ORDER)
                .toList();
    }
}
