package io.statspipe.adapter.http;

import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.QueryStatsUseCase;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/query}: what product code calls to show a customer its numbers. The bearer
 * token decides the caller; a tenant's query goes through {@link TenantScopedQueries}, an
 * administrator's straight to the use case.
 *
 * <p>Answer: {@code {"metric":"page.views","tenant":"acme","resolution":"1m","aggregation":"sum",
 * "results":[{"group":{"page":"home"},"points":[[1764151200000,42.0],...]}]}}.
 */
public final class QueryEndpoint implements ApiServer.Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(QueryEndpoint.class);

    private final TenantTokens tokens;
    private final QueryStatsUseCase queries;
    private final InstantSource clock;

    public QueryEndpoint(TenantTokens tokens, QueryStatsUseCase queries, InstantSource clock) {
        this.tokens = tokens;
        this.queries = queries;
        this.clock = clock;
    }

    @Override
    public ApiServer.Response handle(ApiServer.Request request) {
        if (!request.method().equals("GET")) {
            throw new ApiException(405, "use GET for " + request.path());
        }
        Caller caller = tokens.authenticate(request.authorization()).require(Scope.QUERY);
        StatsQuery query = QueryParameters.toQuery(request.params(), clock.instant());
        QueryStatsUseCase asCaller = caller.tenant()
                .<QueryStatsUseCase>map(t -> new TenantScopedQueries(queries, t))
                .orElse(queries);
        List<SeriesResult> results = asCaller.query(query);
        LOG.debug("query of '{}' by {}: {} groups", query.metric(), caller, results.size());
        return ApiServer.Response.json(200, answer(query, caller, results));
    }

    private static Map<String, Object> answer(StatsQuery query, Caller caller, List<SeriesResult> results) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("metric", query.metric());
        body.put("tenant", caller.tenant().orElse(null));
        body.put("resolution", query.resolution().name());
        body.put("aggregation", query.aggregation().toString());
        List<Object> groups = new ArrayList<>();
        for (SeriesResult r : results) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("group", r.group().asMap());
            List<List<Object>> points = new ArrayList<>();
            for (Point p : r.points()) {
                points.add(List.of(p.bucketStart(), p.value()));
            }
            group.put("points", points);
            groups.add(group);
        }
        body.put("results", groups);
        return body;
    }
}
