package io.statspipe.app.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.statspipe.adapter.kafka.AgentHealth;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.adapter.kafka.spool.SpoolFullException;
import io.statspipe.domain.InvalidStatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP ingest: {@code POST /v1/events} with a JSON batch ({@link JsonBatchParser}) answers only
 * once the accepted events are fsync'd in the spool:
 * <ul>
 * <li>200 {@code {"accepted": n}}: every event is spooled;</li>
 * <li>400 {@code {"accepted": n, "rejected": [{"index": i, "reason": "..."}]}}: the good events
 *     are spooled (do not send them again), the listed ones are refused, or
 *     {@code {"accepted": 0, "error": "..."}} when the body as a whole is not a batch;</li>
 * <li>503 {@code {"accepted": 0, "error": "spool full ..."}}: nothing was kept, retry later.</li>
 * </ul>
 * {@code GET /v1/health} shows the agent's {@link AgentHealth}.
 */
public final class HttpIngestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestServer.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final StoreAndForwardAgent agent;
    private final HttpServer server;
    private final ExecutorService threads;
    private final JsonBatchParser parser = new JsonBatchParser();

    public HttpIngestServer(InetSocketAddress bind, StoreAndForwardAgent agent) {
        this.agent = agent;
        try {
            server = HttpServer.create(bind, 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for HTTP ingest on " + bind, e);
        }
        // several requests in flight share one group commit of the spool
        threads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "http-ingest");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/v1/events", this::events);
        server.createContext("/v1/health", this::health);
        server.start();
        LOG.info("HTTP ingest listening on http://{}:{}/v1/events", bind.getHostString(), port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void events(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, g -> g.writeStringField("error", "use POST with a JSON batch"));
                return;
            }
            byte[] body;
            try {
                body = readBody(exchange.getRequestBody());
            } catch (InvalidStatException e) {
                agent.countRejected(1);
                respond(exchange, 400, g -> {
                    g.writeNumberField("accepted", 0);
                    g.writeStringField("error", e.getMessage());
                });
                return;
            }
            JsonBatchParser.Parsed parsed;
            try {
                parsed = parser.parse(body, body.length, System.currentTimeMillis());
            } catch (InvalidStatException e) {
                agent.countRejected(1);
                respond(exchange, 400, g -> {
                    g.writeNumberField("accepted", 0);
                    g.writeStringField("error", e.getMessage());
                });
                return;
            }
            try {
                agent.publish(parsed.events());
            } catch (SpoolFullException e) {
                respond(exchange, 503, g -> {
                    g.writeNumberField("accepted", 0);
                    g.writeStringField("error", e.getMessage());
                });
                return;
            }
            agent.countRejected(parsed.rejected().size());
            respond(exchange, parsed.rejected().isEmpty() ? 200 : 400, g -> {
                g.writeNumberField("accepted", parsed.events().size());
                if (!parsed.rejected().isEmpty()) {
                    g.writeArrayFieldStart("rejected");
                    for (JsonBatchParser.Rejection r : parsed.rejected()) {
                        g.writeStartObject();
                        g.writeNumberField("index", r.index());
                        g.writeStringField("reason", r.reason());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
            });
        } catch (RuntimeException e) {
            LOG.error("HTTP ingest failed", e);
            throw e;
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            AgentHealth h = agent.health();
            respond(exchange, 200, g -> {
                g.writeBooleanField("spooling", h.spooling());
                g.writeNumberField("spoolDepthEvents", h.spoolDepthEvents());
                g.writeNumberField("spoolDepthBatches", h.spoolDepthBatches());
                g.writeNumberField("spoolBytes", h.spoolBytes());
                g.writeNumberField("oldestUnsentMillis", h.oldestUnsent().map(java.time.Duration::toMillis).orElse(0L));
                g.writeNumberField("forwardedEvents", h.forwardedEvents());
                g.writeNumberField("forwardedBatches", h.forwardedBatches());
                g.writeNumberField("rejectedInputs", h.rejectedInputs());
                g.writeNumberField("refusedEvents", h.refusedEvents());
                g.writeNumberField("recoveredTornBytes", h.recoveredTornBytes());
            });
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > JsonBatchParser.MAX_BODY_BYTES) {
                throw new InvalidStatException("body too large: more than " + JsonBatchParser.MAX_BODY_BYTES + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static void respond(HttpExchange exchange, int status, Fields fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.size());
        try (OutputStream out = exchange.getResponseBody()) {
            bytes.writeTo(out);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        threads.shutdownNow();
    }
}
