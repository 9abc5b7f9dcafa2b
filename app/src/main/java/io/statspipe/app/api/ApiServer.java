package io.statspipe.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.ports.out.EngineUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * statspipe's HTTP API on 127.0.0.1: one JDK HTTP server, endpoints registered by path. Every
 * refusal is a JSON body {@code {"error": "...", "status": N}}. Request logs name the method,
 * path, status and caller, never a header (so never a token).
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final ObjectMapper JSON = new ObjectMapper();

    /** One request, reduced to what endpoints need. */
    public record Request(String method, String path, Map<String, List<String>> params, Optional<String> authorization,
                          Optional<String> contentType, InputStream body) {
        public boolean json() {
            return contentType.map(t -> t.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")).orElse(false);
        }
    }

    /** One answer. */
    public record Response(int status, String contentType, byte[] body) {
        public static Response json(int status, Object value) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write JSON answer", e);
            }
        }

        public static Response text(int status, String contentType, String body) {
            return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What answers one path. */
    @FunctionalInterface
    public interface Endpoint {
        Response handle(Request request) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads;

    public ApiServer(int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(Settings.BIND_ADDRESS, port), 64);
        this.threads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "statspipe-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
    }

    /** Serves {@code path} (exactly, and anything below it) with {@code endpoint}. */
    public ApiServer route(String path, Endpoint endpoint) {
        server.createContext(path, exchange -> serve(exchange, endpoint));
        return this;
    }

    /** Serves {@code path} with a raw JDK handler (for endpoints that stream their bodies). */
    public ApiServer route(String path, HttpHandler handler) {
        server.createContext(path, handler);
        return this;
    }

    public ApiServer start() {
        server.start();
        LOG.info("HTTP API listening on http://{}:{}", Settings.BIND_ADDRESS, port());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void serve(HttpExchange exchange, Endpoint endpoint) throws IOException {
        long started = System.nanoTime();
        Response response;
        try (exchange) {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    QueryParameters.parse(exchange.getRequestURI().getRawQuery()),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")), exchange.getRequestBody());
            try {
                response = endpoint.handle(request);
            } catch (ApiException e) {
                response = error(e.status(), e.getMessage());
            } catch (InvalidStatException e) {
                response = error(400, e.getMessage());
            } catch (EngineUnavailableException e) {
                LOG.warn("{} {}: engine unavailable: {}", request.method(), request.path(), e.getMessage());
                response = error(503, "the store cannot answer now: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", request.method(), request.path(), e);
                response = error(500, "internal error: " + e);
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
            LOG.debug("{} {} -> {} in {} ms", request.method(), request.path(), response.status(),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    public static Response error(int status, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", reason);
        return Response.json(status, body);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
