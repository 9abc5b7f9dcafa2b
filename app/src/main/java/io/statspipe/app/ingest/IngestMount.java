package io.statspipe.app.ingest;

import io.statspipe.adapter.http.ApiException;
import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.IngestRoute;
import io.statspipe.adapter.ingest.IngestEndpoint;

/**
 * Mounts the ingest adapter's {@link IngestEndpoint} on the HTTP adapter's {@link ApiServer}, for
 * {@code statspipe up} and {@code statspipe agent} alike. The two adapters know nothing of each
 * other; this is where the wiring hands one's request and answer to the other.
 */
public final class IngestMount {
    private IngestMount() {
    }

    /** Serves {@code POST /api/v1/ingest} on {@code api} with {@code endpoint}, writers admitted as {@code access} says. */
    public static ApiServer mount(ApiServer api, IngestEndpoint endpoint, IngestRoute.Access access) {
        return IngestRoute.mount(api, IngestEndpoint.PATH, write -> {
            IngestEndpoint.Request request = new IngestEndpoint.Request(write.method(), write.body(), write.json(),
                    write.idempotencyKey(), write.writerTenant());
            try {
                IngestEndpoint.Answer answer = endpoint.handle(request);
                return new ApiServer.Response(answer.status(), "application/json", answer.json());
            } catch (IngestEndpoint.Refused refused) {
                throw new ApiException(refused.status(), refused.getMessage());
            }
        }, access);
    }
}
