package io.statspipe.adapter.http;

import io.statspipe.ports.in.ListSeriesUseCase;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.ReadScope;
import io.statspipe.ports.out.SeriesKey;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a tenant has: {@code GET /api/v1/metrics} (its metrics, their kinds and how many series
 * each has) and {@code GET /api/v1/tags?metric=...} (a metric's tag keys and values). A tenant's
 * token lists its own series only; an administrator's every tenant's. Both take {@code from} and
 * {@code to} as the query API does (default: the last 7 days).
 *
 * <p>Answers: {@code {"tenant":"acme","metrics":[{"metric":"page.views","kinds":["counter"],"series":2}]}}
 * and {@code {"tenant":"acme","metric":"page.views","tags":{"page":["about","home"],"tenant":["acme"]}}}.
 */
public final class ListingEndpoints {
    public static final String METRICS = "/api/v1/metrics";
    public static final String TAGS = "/api/v1/tags";
    private static final Set<String> METRICS_PARAMS = Set.of("prefix", "from", "to");
    private static final Set<String> TAGS_PARAMS = Set.of("metric", "from", "to");

    private final TenantTokens tokens;
    private final ListSeriesUseCase series;
    private final InstantSource clock;

    private ListingEndpoints(TenantTokens tokens, ListSeriesUseCase series, InstantSource clock) {
        this.tokens = tokens;
        this.series = series;
        this.clock = clock;
    }

    public static void register(ApiServer api, TenantTokens tokens, ListSeriesUseCase series, InstantSource clock) {
        ListingEndpoints listing = new ListingEndpoints(tokens, series, clock);
        api.route(METRICS, listing::metrics).route(TAGS, listing::tags);
    }

    private ApiServer.Response metrics(ApiServer.Request request) {
        Read read = read(request, METRICS_PARAMS);
        String prefix = QueryParameters.single(request.params(), "prefix", "");
        Map<String, SortedSet<String>> kinds = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (SeriesKey key : series.list(read.scope(), prefix, read.range())) {
            String metric = key.series().metric();
            kinds.computeIfAbsent(metric, m -> new TreeSet<>()).add(key.kind().name().toLowerCase(Locale.ROOT));
            counts.merge(metric, 1, Integer::sum);
        }
        List<Object> metrics = new ArrayList<>();
        kinds.forEach((metric, k) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("metric", metric);
            entry.put("kinds", k);
            entry.put("series", counts.get(metric));
            metrics.add(entry);
        });
        Map<String, Object> body = read.answer();
        body.put("metrics", metrics);
        return ApiServer.Response.json(200, body);
    }

    private ApiServer.Response tags(ApiServer.Request request) {
        Read read = read(request, TAGS_PARAMS);
        String metric = QueryParameters.single(request.params(), "metric", "");
        if (metric.isBlank()) {
            throw new ApiException(400, "parameter 'metric' is required");
        }
        Map<String, SortedSet<String>> tags = new TreeMap<>();
        for (SeriesKey key : series.list(read.scope(), metric, read.range())) {
            if (key.series().metric().equals(metric)) {
                key.series().tags().asMap().forEach((k, v) -> tags.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
            }
        }
        Map<String, Object> body = read.answer();
        body.put("metric", metric);
        body.put("tags", tags);
        return ApiServer.Response.json(200, body);
    }

    /** Who reads, over which range. */
    private record Read(ReadScope scope, TimeRange range) {
        Map<String, Object> answer() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tenant", scope.tenant().orElse(null));
            return body;
        }
    }

    private Read read(ApiServer.Request request, Set<String> known) {
        if (!request.method().equals("GET")) {
            throw new ApiException(405, "use GET for " + request.path());
        }
        Caller caller = tokens.authenticate(request.authorization()).require(Scope.QUERY);
        QueryParameters.onlyKnown(request.params(), known);
        Instant now = clock.instant();
        TimeRange range = new TimeRange(QueryParameters.instant("from", QueryParameters.single(request.params(), "from", "-7d"), now),
                QueryParameters.instant("to", QueryParameters.single(request.params(), "to", "now"), now));
        return new Read(caller.readScope(), range);
    }
}
