package io.statspipe.adapter.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /health}, {@code /metrics} and {@code /api/v1/status}: what an operator and a monitor read. */
public final class StatusEndpoints {
    private StatusEndpoints() {
    }

    /** 200 once every component is ready, 503 naming those that are not. */
    public static ApiServer.Endpoint health(Readiness readiness) {
        return request -> {
            List<String> waiting = readiness.waitingFor();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", waiting.isEmpty() ? "ready" : "starting");
            body.put("components", readiness.components());
            body.put("waiting_for", waiting);
            return ApiServer.Response.json(waiting.isEmpty() ? 200 : 503, body);
        };
    }

    public static ApiServer.Endpoint metrics(PipelineMetrics metrics) {
        return request -> ApiServer.Response.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    /** The figures {@code statspipe status} prints, as JSON. */
    public static ApiServer.Endpoint status(Supplier<PipelineStatus> status) {
        return json(status);
    }

    /** 200 with what {@code body} supplies at each request, as JSON (the agent's {@code /health}). */
    public static ApiServer.Endpoint json(Supplier<?> body) {
        return request -> ApiServer.Response.json(200, body.get());
    }
}
