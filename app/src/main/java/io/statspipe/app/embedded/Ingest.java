package io.statspipe.app.embedded;

import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.app.api.ApiServer;
import io.statspipe.app.api.Readiness;
import io.statspipe.app.config.Settings;
import io.statspipe.app.ingest.IngestEndpoint;
import io.statspipe.app.ingest.StatsdUdpListener;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.Map;

/**
 * The ingest endpoints in front of the agent: StatsD over UDP ({@code statspipe.statsd.*}) and
 * HTTP ({@code POST /api/v1/ingest}, {@link IngestEndpoint}: the same as {@code statspipe agent}'s).
 */
final class Ingest {
    private Ingest() {
    }

    static void register(ApiServer api, Settings settings, StoreAndForwardAgent agent, IngestEndpoint.Access access,
                         IngestCounters counters, Deque<AutoCloseable> running, Readiness readiness,
                         Map<String, String> endpoints) {
        api.route(IngestEndpoint.PATH, new IngestEndpoint(agent, access, counters, settings.statsd().gaugeDeltas()));
        StatsdUdpListener udp = new StatsdUdpListener(new InetSocketAddress(settings.statsd().bind(), settings.statsd().port()),
                agent, settings.statsd().gaugeDeltas());
        running.push(udp);
        counters.add(udp::events, udp::rejectedLines, udp::ignoredLines);
        readiness.add("StatsD listener", () -> true);
        endpoints.put("StatsD", "udp://" + settings.statsd().bind() + ":" + settings.statsd().port());
    }
}
