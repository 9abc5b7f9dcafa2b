package io.statspipe.adapter.http;

import java.time.Duration;

/**
 * The limits of the HTTP edge (statspipe's API and the agent's ingest), each read from its key
 * in {@code statspipe.api.*} by the configuration.
 *
 * @param headerTimeout  a connection with no request in progress (a request head cut short, an idle keep-alive) that sends nothing this long is closed
 * @param idleTimeout    a request in progress (reading its body, writing its answer) whose connection stays quiet this long is dropped
 * @param maxConnections connections open at once; beyond, new ones wait in the accept backlog
 * @param threads        Jetty's threads; half of them serve requests at once, the rest read requests, answer /health and refuse
 * @param queue          requests that may wait for a serving thread (at most 10 s each); beyond, 503
 * @param maxBodyBytes   largest request body; beyond, 413
 */
public record HttpEdge(Duration headerTimeout, Duration idleTimeout, int maxConnections, int threads, int queue,
                       int maxBodyBytes) {
    /** What the defaults file says, for code that runs without configuration (tests, the agent's own defaults). */
    public static final HttpEdge DEFAULTS = new HttpEdge(Duration.ofSeconds(5), Duration.ofSeconds(30), 512, 32,
            256, 4 << 20);
}
