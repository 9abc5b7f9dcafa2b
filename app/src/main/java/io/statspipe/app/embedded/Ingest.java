package io.statspipe.app.embedded;

import io.statspipe.adapter.ingest.IngestEndpoint;
import io.statspipe.adapter.ingest.StatsdUdpListener;
import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.IngestRoute;
import io.statspipe.adapter.http.Readiness;
import io.statspipe.app.config.Settings;
import io.statspipe.app.ingest.IngestMount;
import io.statspipe.ports.in.RecordEventsUseCase;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.Map;

/**
 * The ingest adapter's endpoints in front of the agent's port: StatsD over UDP ({@code statspipe.statsd.*}) and
 * HTTP ({@code POST /api/v1/ingest}, {@link IngestEndpoint}: the same as {@code statspipe agent}'s).
 */
final class Ingest {
    private Ingest() {
    }

    static void register(ApiServer api, Settings settings, RecordEventsUseCase recorder, IngestRoute.Access access,
                         IngestCounters counters, Deque<AutoCloseable> running, Readiness readiness,
                         Map<String, String> endpoints) {
        IngestMount.mount(api, new IngestEndpoint(recorder, counters, settings.statsd().gaugeDeltas()), access);
        StatsdUdpListener udp = new StatsdUdpListener(new InetSocketAddress(settings.statsd().bind(), settings.statsd().port()),
                recorder, settings.statsd().gaugeDeltas());
        running.push(udp);
        counters.add(udp::events, udp::rejectedLines, udp::ignoredLines);
        readiness.add("StatsD listener", () -> true);
        endpoints.put("StatsD", "udp://" + settings.statsd().bind() + ":" + settings.statsd().port());
    }
}
