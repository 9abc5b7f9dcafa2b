package io.statspipe.adapter.http;

import io.statspipe.domain.Resolution;
import io.statspipe.ports.in.DataSelection;
import io.statspipe.ports.in.DeleteDataUseCase;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.StoredPointCount;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/delete?tenant=acme[&metric=page.views][&from=..&to=..][&dry_run=false]}:
 * deletes a tenant's data points, of one metric or all, from the stores; only with an
 * administrator's token that has the {@code ingest} scope (it changes data). A dry run (the
 * default) only says what would be deleted. {@code from} and {@code to} take the query API's forms
 * and must be whole hours; left out, they cover every point there is.
 *
 * <p>Answer: {@code {"selection":"tenant acme, metric page.views, from ... to ...","dry_run":true,
 * "points":[{"store":"kairosdb","name":"page.views:1h:count","points":4}],"total":4}}.
 */
public final class DeleteEndpoint implements ApiServer.Endpoint {
    public static final String PATH = "/api/v1/delete";
    private static final Logger LOG = LoggerFactory.getLogger(DeleteEndpoint.class);
    private static final Set<String> KNOWN = Set.of("tenant", "metric", "from", "to", "dry_run");

    private final TenantTokens tokens;
    private final DeleteDataUseCase deletion;
    private final InstantSource clock;

    public DeleteEndpoint(TenantTokens tokens, DeleteDataUseCase deletion, InstantSource clock) {
        this.tokens = tokens;
        this.deletion = deletion;
        this.clock = clock;
    }

    @Override
    public ApiServer.Response handle(ApiServer.Request request) {
        if (!request.method().equals("POST")) {
            throw new ApiException(405, "use POST for " + request.path());
        }
        Caller caller = tokens.authenticate(request.authorization()).require(Scope.INGEST);
        if (!caller.isAdmin()) {
            throw new ApiException(403, "deleting data needs an administrator's token; this one is of " + caller);
        }
        Map<String, List<String>> params = request.params();
        QueryParameters.onlyKnown(params, KNOWN);
        String tenant = QueryParameters.single(params, "tenant", "");
        if (tenant.isBlank()) {
            throw new ApiException(400, "parameter 'tenant' is required");
        }
        Optional<String> metric = Optional.ofNullable(QueryParameters.single(params, "metric", null));
        Instant now = clock.instant();
        long hour = Resolution.HOUR.widthMillis();
        // Left out, the range reaches past every bucket there can be: events up to the allowed clock skew ahead.
        long from = QueryParameters.instant("from", QueryParameters.single(params, "from", "0"), now);
        long to = QueryParameters.instant("to", QueryParameters.single(params, "to",
                Long.toString((Math.floorDiv(now.toEpochMilli(), hour) + 2) * hour)), now);
        boolean dryRun = switch (QueryParameters.single(params, "dry_run", "true")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ApiException(400, "parameter 'dry_run' must be true or false");
        };
        DataSelection selection = new DataSelection(tenant, metric, new TimeRange(from, to));
        List<StoredPointCount> points = dryRun ? deletion.plan(selection) : deletion.delete(selection);
        long total = points.stream().mapToLong(StoredPointCount::points).sum();
        if (!dryRun) {
            LOG.info("deleted {} points: {}", total, selection);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("selection", selection.toString());
        body.put("dry_run", dryRun);
        body.put("points", points);
        body.put("total", total);
        return ApiServer.Response.json(200, body);
    }
}
