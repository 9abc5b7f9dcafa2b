package io.statspipe.adapter.http;

import io.statspipe.ports.out.NativeAnswer;
import io.statspipe.ports.out.NativeQueryPort;
import io.statspipe.ports.out.ReadScope;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KairosDB's read API on statspipe's port, at KairosDB's own paths, so that Grafana's KairosDB
 * data source pointed at {@code http://host:8070} works as it would against KairosDB: it appends
 * {@code /api/v1/...} to the URL it is given. Every request needs a bearer token with the
 * {@code query} scope; a tenant's token reads its tenant's series only ({@link NativeQueryPort}
 * holds the store to the {@link ReadScope}), an administrator's every tenant's. Reads only:
 * KairosDB's write and delete paths answer 405.
 *
 * <p>These paths do not clash with statspipe's own ({@code /api/v1/query}, {@code /api/v1/ingest},
 * {@code /api/v1/status}).
 */
public final class KairosCompatibleApi {
    private static final Logger LOG = LoggerFactory.getLogger(KairosCompatibleApi.class);
    private static final String V1 = "/api/v1";

    private final TenantTokens tokens;
    private final NativeQueryPort store;

    private KairosCompatibleApi(TenantTokens tokens, NativeQueryPort store) {
        this.tokens = tokens;
        this.store = store;
    }

    /** Registers KairosDB's read paths (and a 405 on its write paths) on {@code api}. */
    public static void register(ApiServer api, TenantTokens tokens, NativeQueryPort store) {
        KairosCompatibleApi kairos = new KairosCompatibleApi(tokens, store);
        api.route(V1 + "/datapoints", kairos::datapoints)
                .route(V1 + "/metricnames", request -> kairos.get(request, scope -> store.metricNames(scope,
                        Optional.ofNullable(request.params().get("prefix")).flatMap(v -> v.stream().findFirst()))))
                .route(V1 + "/tagnames", request -> kairos.get(request, store::tagNames))
                .route(V1 + "/tagvalues", request -> kairos.get(request, store::tagValues))
                .route(V1 + "/version", request -> kairos.get(request, scope -> store.version()))
                .route(V1 + "/metric", KairosCompatibleApi::readOnly);
    }

    /** {@code POST /api/v1/datapoints/query} and {@code .../query/tags}; KairosDB's writes and deletes under it: 405. */
    private ApiServer.Response datapoints(ApiServer.Request request) {
        String path = request.path();
        boolean query = path.equals(V1 + "/datapoints/query");
        boolean tags = path.equals(V1 + "/datapoints/query/tags");
        if (!query && !tags) {
            return readOnly(request);
        }
        if (!request.method().equals("POST")) {
            throw new ApiException(405, "use POST for " + path);
        }
        ReadScope scope = scopeOf(request);
        return answer(request, scope, query ? store.query(scope, request.body()) : store.queryTags(scope, request.body()));
    }

    private ApiServer.Response get(ApiServer.Request request, Function<ReadScope, NativeAnswer> read) {
        if (!request.method().equals("GET")) {
            throw new ApiException(405, "use GET for " + request.path());
        }
        ReadScope scope = scopeOf(request);
        return answer(request, scope, read.apply(scope));
    }

    private ReadScope scopeOf(ApiServer.Request request) {
        return tokens.authenticate(request.authorization()).require(Scope.QUERY).readScope();
    }

    private static ApiServer.Response answer(ApiServer.Request request, ReadScope scope, NativeAnswer answer) {
        LOG.debug("KairosDB read {} {} for {}: HTTP {}", request.method(), request.path(),
                scope.tenant().map(t -> "tenant " + t).orElse("admin"), answer.status());
        return new ApiServer.Response(answer.status(), "application/json", answer.json());
    }

    private static ApiServer.Response readOnly(ApiServer.Request request) {
        throw new ApiException(405, request.method() + " " + request.path()
                + ": statspipe serves KairosDB's read API only; data is written through statspipe's ingest (StatsD or "
                + "POST /api/v1/ingest)");
    }
}
