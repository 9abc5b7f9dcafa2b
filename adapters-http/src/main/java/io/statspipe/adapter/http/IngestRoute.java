package io.statspipe.adapter.http;

import io.statspipe.adapter.ingest.IngestEndpoint;
import io.statspipe.app.config.Settings;
import java.util.List;
import java.util.Optional;

/**
 * Mounts the ingest adapter's {@link IngestEndpoint} on statspipe's HTTP edge, for {@code statspipe
 * up} and {@code statspipe agent} alike: it authenticates the writer ({@link Access}) and hands the
 * request over; the contract (body, answer, refusals, idempotency) is the endpoint's.
 */
public final class IngestRoute implements ApiServer.Endpoint {
    private final IngestEndpoint endpoint;
    private final Access access;

    /** The tokens ingest knows, and whether a request must carry one. */
    public record Access(TenantTokens tokens, boolean requireToken) {
        /** No token needed, none known: the loopback-only default. */
        public static final Access OPEN = new Access(new TenantTokens(List.of()), false);
    }

    public IngestRoute(IngestEndpoint endpoint, Access access) {
        this.endpoint = endpoint;
        this.access = access;
    }

    /** Mounts {@code endpoint} at {@link IngestEndpoint#PATH}. */
    public static ApiServer mount(ApiServer api, IngestEndpoint endpoint, Access access) {
        return api.route(IngestEndpoint.PATH, new IngestRoute(endpoint, access));
    }

    @Override
    public ApiServer.Response handle(ApiServer.Request request) {
        // a wrong method is refused (405) before the writer is asked for a token
        Optional<String> tenant = request.method().equals("POST") ? writerTenant(request) : Optional.empty();
        IngestEndpoint.Request ingest = new IngestEndpoint.Request(request.method(), request.body(), request.json(),
                request.idempotencyKey(), tenant);
        try {
            IngestEndpoint.Answer answer = endpoint.handle(ingest);
            return new ApiServer.Response(answer.status(), "application/json", answer.json());
        } catch (IngestEndpoint.Refused refused) {
            throw new ApiException(refused.status(), refused.getMessage());
        }
    }

    /** The tenant the request may write only, or empty when it may write every tenant. */
    private Optional<String> writerTenant(ApiServer.Request request) {
        if (request.authorization().isEmpty() && !access.requireToken()) {
            return Optional.empty();
        }
        Caller caller = access.tokens().authenticate(request.authorization()).require(Settings.Scope.INGEST);
        return caller.tenant();
    }
}
