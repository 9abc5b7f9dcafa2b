package io.statspipe.app.embedded;

import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.app.api.ApiException;
import io.statspipe.app.api.ApiServer;
import io.statspipe.app.api.Readiness;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.app.ingest.JsonBatchParser;
import io.statspipe.app.ingest.StatsdLineParser;
import io.statspipe.app.ingest.StatsdUdpListener;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingest endpoints in front of the agent: StatsD over UDP ({@code statspipe.statsd.port})
 * and StatsD lines over HTTP ({@code POST /api/v1/ingest}).
 *
 * <p>HTTP contract: the body is StatsD lines, one per line (text/plain, UTF-8), or, with
 * {@code Content-Type: application/json}, the agent's JSON batch ({@link JsonBatchParser}). The answer, 200
 * {@code {"accepted": N, "refused": ["line 3: reason", ...]}}, comes only once the N accepted
 * events are durably spooled; malformed lines or events are refused with their reason
 * (StatsD lines also go to the dead-letter topic) without failing the rest. 503 when the spool cannot take them (nothing of
 * that request was acknowledged).
 */
final class Ingest {
    private static final int MAX_REFUSALS_LISTED = 100;
    /** The StatsD parser keeps a cache of recent series and is not thread-safe: one per HTTP thread. */
    private static final ThreadLocal<StatsdLineParser> PARSERS = ThreadLocal.withInitial(StatsdLineParser::new);
    private static final JsonBatchParser JSON_BATCHES = new JsonBatchParser();

    private Ingest() {
    }

    static void register(ApiServer api, Settings settings, StoreAndForwardAgent agent, IngestCounters counters,
                         Deque<AutoCloseable> running, Readiness readiness, Map<String, String> endpoints) {
        api.route("/api/v1/ingest", request -> {
            if (!request.method().equals("POST")) {
                throw new ApiException(405, "POST StatsD lines (or a JSON batch) to /api/v1/ingest");
            }
            byte[] body = request.body().readNBytes(JsonBatchParser.MAX_BODY_BYTES + 1);
            if (body.length > JsonBatchParser.MAX_BODY_BYTES) {
                throw new ApiException(413, "the body is larger than " + JsonBatchParser.MAX_BODY_BYTES
                        + " bytes: send smaller batches");
            }
            long now = System.currentTimeMillis();
            List<Event> events = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            long[] refusedCount = {0};
            if (request.json()) {
                JsonBatchParser.Parsed parsed;
                try {
                    parsed = JSON_BATCHES.parse(body, body.length, now);
                } catch (InvalidStatException e) {
                    throw new ApiException(400, e.getMessage());
                }
                events.addAll(parsed.events());
                for (JsonBatchParser.Rejection r : parsed.rejected()) {
                    refusedCount[0]++;
                    if (refused.size() < MAX_REFUSALS_LISTED) {
                        refused.add("event " + r.index() + ": " + r.reason());
                    }
                }
            } else {
                PARSERS.get().parse(body, 0, body.length, now, events, (data, offset, length, reason) -> {
                    refusedCount[0]++;
                    String line = new String(data, offset, length, StandardCharsets.UTF_8);
                    if (refused.size() < MAX_REFUSALS_LISTED) {
                        refused.add("'" + line + "': " + reason);
                    }
                    agent.reject(java.util.Arrays.copyOfRange(data, offset, offset + length), reason, "http");
                });
            }
            try {
                agent.publish(events);
            } catch (EngineUnavailableException e) {
                throw new ApiException(503, "the agent cannot spool now: " + e.getMessage());
            }
            counters.accepted(events.size());
            counters.refused(refusedCount[0]);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("accepted", events.size());
            answer.put("refused", refused);
            answer.put("refused_count", refusedCount[0]);
            return ApiServer.Response.json(200, answer);
        });

        StatsdUdpListener udp = new StatsdUdpListener(new InetSocketAddress(Settings.BIND_ADDRESS, settings.statsd().port()),
                agent);
        running.push(udp);
        counters.add(udp::events, udp::rejectedLines);
        readiness.add("StatsD listener", () -> true);
        endpoints.put("StatsD", "udp://" + Settings.BIND_ADDRESS + ":" + settings.statsd().port());
    }
}
