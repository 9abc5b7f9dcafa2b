package io.statspipe.app.embedded;

import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.app.api.ApiException;
import io.statspipe.app.api.ApiServer;
import io.statspipe.app.api.Readiness;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.ports.out.EngineUnavailableException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest endpoints in front of the agent: StatsD over UDP ({@code statspipe.statsd.port})
 * and StatsD lines over HTTP ({@code POST /api/v1/ingest}).
 *
 * <p>HTTP contract: the body is StatsD lines, one per line (text/plain, UTF-8). The answer, 200
 * {@code {"accepted": N, "refused": ["line 3: reason", ...]}}, comes only once the N accepted
 * events are durably spooled; malformed lines are refused with their reason (and sent to the
 * dead-letter topic) without failing the rest. 503 when the spool cannot take them (nothing of
 * that request was acknowledged).
 */
final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    private static final int MAX_REFUSALS_LISTED = 100;

    private Ingest() {
    }

    static void register(ApiServer api, Settings settings, StoreAndForwardAgent agent, IngestCounters counters,
                         Deque<AutoCloseable> running, Readiness readiness, Map<String, String> endpoints) throws SocketException {
        api.route("/api/v1/ingest", request -> {
            if (!request.method().equals("POST")) {
                throw new ApiException(405, "POST StatsD lines to /api/v1/ingest");
            }
            long now = System.currentTimeMillis();
            List<Event> events = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            long refusedCount = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(request.body(), StandardCharsets.UTF_8))) {
                String line;
                int n = 0;
                while ((line = in.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        events.add(StatsdLine.parse(line, now));
                    } catch (InvalidStatException e) {
                        refusedCount++;
                        if (refused.size() < MAX_REFUSALS_LISTED) {
                            refused.add("line " + n + ": " + e.getMessage());
                        }
                        agent.reject(line.getBytes(StandardCharsets.UTF_8), e.getMessage(), "http");
                    }
                }
            }
            try {
                agent.publish(events);
            } catch (EngineUnavailableException e) {
                throw new ApiException(503, "the agent cannot spool now: " + e.getMessage());
            }
            counters.accepted(events.size());
            counters.refused(refusedCount);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accepted", events.size());
            body.put("refused", refused);
            body.put("refused_count", refusedCount);
            return ApiServer.Response.json(200, body);
        });

        DatagramSocket socket = new DatagramSocket(null);
        socket.bind(new InetSocketAddress(Settings.BIND_ADDRESS, settings.statsd().port()));
        Thread udp = new Thread(() -> receive(socket, agent, counters), "statspipe-statsd");
        udp.setDaemon(true);
        udp.start();
        running.push(socket::close);
        readiness.add("StatsD listener", () -> !socket.isClosed());
        endpoints.put("StatsD", "udp://" + Settings.BIND_ADDRESS + ":" + settings.statsd().port());
    }

    private static void receive(DatagramSocket socket, StoreAndForwardAgent agent, IngestCounters counters) {
        byte[] buffer = new byte[65_535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!socket.isClosed()) {
            try {
                socket.receive(packet);
                String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                long now = System.currentTimeMillis();
                List<Event> events = new ArrayList<>();
                for (String line : text.split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        events.add(StatsdLine.parse(line, now));
                    } catch (InvalidStatException e) {
                        counters.refused(1);
                        agent.reject(line.getBytes(StandardCharsets.UTF_8), e.getMessage(), "udp:" + packet.getSocketAddress());
                    }
                }
                if (!events.isEmpty()) {
                    agent.offer(events);
                    counters.accepted(events.size());
                }
            } catch (SocketException closed) {
                return;
            } catch (Exception e) {
                // UDP is fire-and-forget for the sender: keep listening whatever one datagram did.
                LOG.warn("StatsD datagram dropped: {}", e.toString());
            }
        }
    }
}
