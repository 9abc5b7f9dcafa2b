package io.statspipe.adapter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.ports.out.EngineUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * statspipe's HTTP edge, for the API of {@code statspipe up} and the ingest of {@code statspipe
 * agent} alike: Jetty (its core handlers, no servlets), endpoints registered by path, within the
 * limits of {@link HttpEdge}. Every refusal, Jetty's own included (bad request line, 413,
 * 503 when overloaded), is a JSON body {@code {"error": "...", "status": N}}. Request logs name the
 * method, path and status, never a header (so never a token).
 *
 * <p>Jetty reads requests on a selector, not on a thread per connection: a connection that sends
 * half a request holds no thread, and {@code header-timeout} closes it.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** How long a request may wait for a thread before it is refused with 503. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);
    /** How much of a refused body the server still reads, in multiples of the limit, so that its sender reads the 413. */
    private static final long DRAIN_FACTOR = 4;
    /** The path that stays outside the request limit: a monitor must see an overloaded server answer. */
    private static final String HEALTH = "/health";

    /** One request, reduced to what endpoints need; its body already read, within the size limit. */
    public record Request(String method, String path, Map<String, List<String>> params, Optional<String> authorization,
                          Optional<String> contentType, Optional<String> idempotencyKey, byte[] body) {
        public boolean json() {
            return contentType.map(t -> t.toLowerCase(Locale.ROOT).startsWith("application/json")).orElse(false);
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

    private final Server server;
    private final ServerConnector connector;
    private final String bind;
    private final boolean tls;
    private final int maxBodyBytes;
    private final Map<String, Endpoint> routes = new ConcurrentHashMap<>();

    /** A plain HTTP server. */
    public ApiServer(String bind, int port, HttpEdge edge) {
        this(bind, port, edge, Tls.NONE);
    }

    /**
     * HTTPS only on {@code port} when {@code tls} has a keystore (read and checked here, every
     * mistake named by its key), plain HTTP otherwise.
     */
    public ApiServer(String bind, int port, HttpEdge edge, Tls tls) {
        this.bind = bind;
        this.tls = tls.serves();
        this.maxBodyBytes = edge.maxBodyBytes();
        // The bounded queue is the requests' (the QoS handler below: at most `queue` wait, 503 beyond). The pool's own
        // queue holds Jetty's I/O jobs, about one per open connection, so max-connections bounds it; bounding it again
        // would make Jetty drop a connection without an answer when it fills (and Jetty warns against it).
        QueuedThreadPool threads = new QueuedThreadPool(edge.threads(), Math.min(edge.threads(), 4),
                (int) Duration.ofMinutes(1).toMillis(), 0, null, null);
        threads.setName("statspipe-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setIdleTimeout(edge.idleTimeout().toMillis());
        if (tls.serves()) {
            // no SNI host check: whether the certificate names the host is the client's to verify
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, 1, 1,
                    new SslConnectionFactory(ApiTls.server(tls), HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        }
        connector.setHost(bind);
        connector.setPort(port);
        // While no request is in progress the connector's idle timeout applies: a request head cut short, a quiet keep-alive.
        connector.setIdleTimeout(edge.headerTimeout().toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(edge.maxConnections(), connector));
        QoSHandler limit = new QoSHandler(new Routes());
        limit.setMaxRequestCount(servingThreads(edge));
        limit.setMaxSuspendedRequestCount(edge.queue());
        limit.setMaxSuspend(MAX_WAIT);
        limit.excludePath(HEALTH);
        server.setHandler(limit);
        server.setErrorHandler(new JsonErrors());
        server.setStopTimeout(1000);
    }

    /**
     * Requests served at once: half the threads. The other half read and parse requests, answer
     * {@code /health} and refuse with 503 even while every serving thread waits on a slow store
     * (Jetty's acceptor and selector take two of them).
     */
    public static int servingThreads(HttpEdge edge) {
        return edge.threads() / 2;
    }

    /** Serves {@code path} (exactly, and anything below it) with {@code endpoint}; also once started. */
    public ApiServer route(String path, Endpoint endpoint) {
        routes.put(path, endpoint);
        return this;
    }

    public ApiServer start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("cannot listen for " + (tls ? "HTTPS" : "HTTP") + " on " + bind
                    + ":" + connector.getPort() + ": " + e.getMessage(), e));
        }
        LOG.info("HTTP API listening on {}://{}:{} ({})", tls ? "https" : "http", bind, port(),
                tls ? "HTTPS only, statspipe.api.tls.keystore" : "plain HTTP: no statspipe.api.tls.keystore");
        warnWhenNotLoopback("HTTP", bind);
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Logs a WARN when {@code bind} is not a loopback address: from then on, whoever reaches that
     * address is inside the trust boundary of what listens there.
     */
    public static void warnWhenNotLoopback(String what, String bind) {
        try {
            if (!InetAddress.getByName(bind).isLoopbackAddress()) {
                LOG.warn("{} listens on {}, not on loopback: every host that reaches {} can send to it", what, bind, bind);
            }
        } catch (IOException e) {
            LOG.warn("{} listens on {}, which is not a loopback address", what, bind);
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
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server on port {}: {}", port(), e.toString());
        }
    }

    private Optional<Endpoint> endpointFor(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Endpoint e = routes.get(p);
            if (e != null) {
                return Optional.of(e);
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
        return Optional.ofNullable(routes.get("/"));
    }

    private static void send(org.eclipse.jetty.server.Response response, Response answer, Callback callback) {
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    /** Finds the endpoint, reads the body within its limit, turns every refusal into JSON. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(org.eclipse.jetty.server.Request jetty, org.eclipse.jetty.server.Response response,
                              Callback callback) {
            long started = System.nanoTime();
            String method = jetty.getMethod();
            String path = jetty.getHttpURI().getDecodedPath();
            Response answer;
            try {
                answer = answer(jetty, method, path);
            } catch (ApiException e) {
                answer = error(e.status(), e.getMessage());
            } catch (InvalidStatException e) {
                answer = error(400, e.getMessage());
            } catch (EngineUnavailableException e) {
                LOG.warn("{} {}: engine unavailable: {}", method, path, e.getMessage());
                answer = error(503, "the store cannot answer now: " + e.getMessage());
            } catch (IOException e) {
                // the client went away or stalled past the idle timeout mid-body: nobody to answer
                LOG.debug("{} {}: reading the request failed: {}", method, path, e.toString());
                callback.failed(e);
                return true;
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", method, path, e);
                answer = error(500, "internal error: " + e);
            }
            send(response, answer, callback);
            LOG.debug("{} {} -> {} in {} ms", method, path, answer.status(), (System.nanoTime() - started) / 1_000_000);
            return true;
        }

        private Response answer(org.eclipse.jetty.server.Request jetty, String method, String path) throws IOException {
            Endpoint endpoint = endpointFor(path).orElseThrow(() -> new ApiException(404, "no endpoint at " + path));
            Map<String, List<String>> params = QueryParameters.parse(jetty.getHttpURI().getQuery());
            Request request = new Request(method, path, params,
                    Optional.ofNullable(jetty.getHeaders().get(HttpHeader.AUTHORIZATION)),
                    Optional.ofNullable(jetty.getHeaders().get(HttpHeader.CONTENT_TYPE)),
                    Optional.ofNullable(jetty.getHeaders().get("Idempotency-Key")), body(jetty));
            return endpoint.handle(request);
        }

        private byte[] body(org.eclipse.jetty.server.Request jetty) throws IOException {
            long declared = jetty.getLength();
            InputStream in = org.eclipse.jetty.server.Request.asInputStream(jetty);
            if (declared > maxBodyBytes) {
                drain(in, declared);
                throw tooLarge(declared + " bytes");
            }
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                drain(in, Long.MAX_VALUE);
                throw tooLarge("more than " + maxBodyBytes + " bytes");
            }
            return body;
        }

        /**
         * Reads and drops what is left of a refused body, up to a few times the limit: a client
         * still sending when the server answers and closes gets a reset instead of the 413. A body
         * declared larger than that is not read at all.
         */
        private void drain(InputStream in, long declared) throws IOException {
            long left = DRAIN_FACTOR * maxBodyBytes;
            if (declared > left) {
                return;
            }
            byte[] buffer = new byte[64 * 1024];
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                left -= n;
            }
        }

        private ApiException tooLarge(String size) {
            return new ApiException(413, "the body is too large: " + size + ", at most " + maxBodyBytes
                    + " bytes (statspipe.api.max-body-bytes); send smaller batches");
        }
    }

    /** Jetty's own refusals (malformed request, header too large, overloaded, ...) as JSON instead of an HTML page. */
    private static final class JsonErrors extends ErrorHandler {
        @Override
        protected void generateResponse(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                        int code, String message, Throwable cause, Callback callback) {
            String reason = code == 503 ? "the server is overloaded: retry later"
                    : message == null || message.isBlank() ? "HTTP " + code : message;
            send(response, error(code, reason), callback);
        }
    }
}
