package io.statspipe.adapter.http;

import io.statspipe.domain.Tags;
import io.statspipe.ports.in.QueryStatsUseCase;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TagFilter;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query use case as one tenant may use it: whatever filter and group-by a query sends, the
 * tenant's own {@code tenant} tag is forced into its filter, so the store only ever matches that
 * tenant's series. A filter naming another tenant is refused rather than silently rewritten, so a
 * product bug shows up as an error instead of an empty chart.
 *
 * <p>Series without a {@code tenant} tag (for instance a rollup that dropped it) never match a
 * tenant's query, so no cross-tenant total can leak through them.
 */
public final class TenantScopedQueries implements QueryStatsUseCase {
    /** The tag every series carries; a tenant sees only series whose tag has its name. */
    public static final String TENANT_TAG = "tenant";
    private static final Logger LOG = LoggerFactory.getLogger(TenantScopedQueries.class);

    private final QueryStatsUseCase queries;
    private final String tenant;

    public TenantScopedQueries(QueryStatsUseCase queries, String tenant) {
        this.queries = queries;
        this.tenant = tenant;
    }

    @Override
    public List<SeriesResult> query(StatsQuery query) {
        Optional<String> asked = query.filter().tags().value(TENANT_TAG);
        if (asked.isPresent() && !asked.get().equals(tenant)) {
            throw new TenantAccessDenied("tenant " + tenant + " may not read series of tenant " + asked.get());
        }
        Tags forced = query.filter().tags().with(TENANT_TAG, tenant);
        StatsQuery scoped = query.withFilter(new TagFilter(forced, query.filter().match()));
        List<SeriesResult> results = queries.query(scoped);
        // Defence in depth: a group that names another tenant can only come from a store that
        // ignored the filter; drop it and say so rather than show it.
        return results.stream().filter(r -> {
            Optional<String> group = r.group().value(TENANT_TAG);
            boolean foreign = group.isPresent() && !group.get().equals(tenant);
            if (foreign) {
                LOG.error("query of '{}' for tenant {} returned a group of another tenant; dropped it", query.metric(), tenant);
            }
            return !foreign;
        }).toList();
    }
}
