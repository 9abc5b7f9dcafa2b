package io.statspipe.adapter.http;

import java.util.List;
import java.util.Optional;

/**
 * The HTTP ingest of {@code statspipe up} and {@code statspipe agent} alike: it authenticates the
 * writer ({@link Access}) and hands the request to the ingest handler the wiring mounted
 * ({@link Ingest}); the contract (body, answer, refusals, idempotency) is the handler's.
 */
public final class IngestRoute implements ApiServer.Endpoint {
    private final Ingest ingest;
    private final Access access;

    /** The tokens ingest knows, and whether a request must carry one. */
    public record Access(TenantTokens tokens, boolean requireToken) {
        /** No token needed, none known: the loopback-only default. */
        public static final Access OPEN = new Access(new TenantTokens(List.of()), false);
    }

    /**
     * One ingest request as the edge hands it over, its body already read within the edge's limit.
     *
     * @param writerTenant the only tenant the writer may write, or empty when it may write every tenant
     */
    public record Write(String method, byte[] body, boolean json, Optional<String> idempotencyKey,
                        Optional<String> writerTenant) {
    }

    /** What records a write: the ingest adapter's endpoint, as the wiring hands it over. */
    @FunctionalInterface
    public interface Ingest {
        /**
         * @return the status and JSON body to answer with
         * @throws ApiException when the request is refused whole
         */
        ApiServer.Response write(Write write);
    }

    public IngestRoute(Ingest ingest, Access access) {
        this.ingest = ingest;
        this.access = access;
    }

    /** Mounts {@code ingest} at {@code path}. */
    public static ApiServer mount(ApiServer api, String path, Ingest ingest, Access access) {
        return api.route(path, new IngestRoute(ingest, access));
    }

    @Override
    public ApiServer.Response handle(ApiServer.Request request) {
        // a wrong method is refused (405) before the writer is asked for a token
        Optional<String> tenant = request.method().equals("POST") ? writerTenant(request) : Optional.empty();
        return ingest.write(new Write(request.method(), request.body(), request.json(), request.idempotencyKey(), tenant));
    }

    /** The tenant the request may write only, or empty when it may write every tenant. */
    private Optional<String> writerTenant(ApiServer.Request request) {
        if (request.authorization().isEmpty() && !access.requireToken()) {
            return Optional.empty();
        }
        Caller caller = access.tokens().authenticate(request.authorization()).require(Scope.INGEST);
        return caller.tenant();
    }
}
