package io.statspipe.app.ingest;

import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.Tls;
import io.statspipe.adapter.ingest.GaugeDeltas;
import io.statspipe.adapter.ingest.IngestEndpoint;
import io.statspipe.adapter.ingest.StatsdUdpListener;
import io.statspipe.adapter.kafka.AgentHealth;
import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.IngestRoute;
import io.statspipe.adapter.http.StatusEndpoints;
import io.statspipe.ports.in.RecordEventsUseCase;
import io.statspipe.ports.service.RecordEventsService;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store-and-forward agent behind the ingest adapter's port ({@link RecordEventsService}), with
 * the adapter's endpoints, started and stopped together: StatsD over UDP, and HTTP on statspipe's
 * HTTP edge ({@code POST /api/v1/ingest}, {@code GET /health}
 * with the agent's {@link AgentHealth}).
 */
public final class RunningAgent implements AutoCloseable {
    private final StoreAndForwardAgent agent;
    private final StatsdUdpListener statsd;
    private final ApiServer http;

    private RunningAgent(StoreAndForwardAgent agent, StatsdUdpListener statsd, ApiServer http) {
        this.agent = agent;
        this.statsd = statsd;
        this.http = http;
    }

    /** Starts the agent, then its endpoints (port 0: a free port), open to any writer on the HTTP edge's default limits. */
    public static RunningAgent start(AgentSettings settings, InetSocketAddress statsdBind, InetSocketAddress httpBind) {
        return start(settings, statsdBind, httpBind, IngestRoute.Access.OPEN, HttpEdge.DEFAULTS);
    }

    /** Starts the agent, then its endpoints (port 0: a free port). */
    public static RunningAgent start(AgentSettings settings, InetSocketAddress statsdBind, InetSocketAddress httpBind,
                                     IngestRoute.Access access, HttpEdge edge) {
        return start(settings, statsdBind, httpBind, access, edge, Tls.NONE);
    }

    /** Starts the agent, then its endpoints (port 0: a free port), HTTPS only when {@code tls} has a keystore. */
    public static RunningAgent start(AgentSettings settings, InetSocketAddress statsdBind, InetSocketAddress httpBind,
                                     IngestRoute.Access access, HttpEdge edge, Tls tls) {
        return start(settings, statsdBind, httpBind, access, edge, tls, GaugeDeltas.DOGSTATSD);
    }

    /** As above, reading {@code -N|g} in StatsD lines as {@code gaugeDeltas} says. */
    public static RunningAgent start(AgentSettings settings, InetSocketAddress statsdBind, InetSocketAddress httpBind,
                                     IngestRoute.Access access, HttpEdge edge, Tls tls,
                                     GaugeDeltas gaugeDeltas) {
        StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings);
        StatsdUdpListener statsd = null;
        try {
            RecordEventsUseCase recorder = new RecordEventsService(agent);
            statsd = new StatsdUdpListener(statsdBind, recorder, gaugeDeltas);
            ApiServer http = IngestMount.mount(new ApiServer(httpBind.getHostString(), httpBind.getPort(), edge, tls),
                            new IngestEndpoint(recorder, IngestEndpoint.Counts.NONE, gaugeDeltas), access)
                    .route("/health", StatusEndpoints.json(() -> health(agent.health())))
                    .start();
            return new RunningAgent(agent, statsd, http);
        } catch (RuntimeException e) {
            if (statsd != null) {
                statsd.close();
            }
            agent.close();
            throw e;
        }
    }

    private static Map<String, Object> health(AgentHealth h) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("spooling", h.spooling());
        body.put("spoolDepthEvents", h.spoolDepthEvents());
        body.put("spoolDepthBatches", h.spoolDepthBatches());
        body.put("spoolBytes", h.spoolBytes());
        body.put("oldestUnsentMillis", h.oldestUnsent().map(Duration::toMillis).orElse(0L));
        body.put("forwardedEvents", h.forwardedEvents());
        body.put("forwardedBatches", h.forwardedBatches());
        body.put("rejectedInputs", h.rejectedInputs());
        body.put("refusedEvents", h.refusedEvents());
        body.put("recoveredTornBytes", h.recoveredTornBytes());
        return body;
    }

    public StoreAndForwardAgent agent() {
        return agent;
    }

    public StatsdUdpListener statsd() {
        return statsd;
    }

    public ApiServer http() {
        return http;
    }

    /** Stops taking input first, then spools what was received, then stops forwarding. */
    @Override
    public void close() {
        http.close();
        statsd.close();
        agent.close();
    }
}
