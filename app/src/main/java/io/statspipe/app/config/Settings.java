package io.statspipe.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * statspipe's whole configuration, validated. Read by {@link SettingsLoader} from
 * {@code statspipe-defaults.conf} (every key, documented) and the user's overrides.
 */
public record Settings(Path dataDir, Api api, Statsd statsd, Ingest ingest, EventLog eventLog, Store store,
                       Topology topology, RollupRules rollup, Legacy legacy, Agent agent, Migration migration) {

    /**
     * Every listener binds here unless its own key says otherwise: statspipe runs loopback-only
     * unless it talks to external engines.
     */
    public static final String BIND_ADDRESS = "127.0.0.1";

    /** These settings with {@code token} admitted too, unless a configured token already has its hash. */
    public Settings withToken(Token token) {
        if (api.tokens().stream().anyMatch(t -> t.sha256().equals(token.sha256()))) {
            return this;
        }
        List<Token> tokens = new java.util.ArrayList<>(api.tokens());
        tokens.add(token);
        return new Settings(dataDir, new Api(api.bind(), api.port(), tokens, api.maxBuckets(), api.edge(), api.tls()),
                statsd, ingest, eventLog, store, topology, rollup, legacy, agent, migration);
    }

    /** What a token may do. */
    public enum Scope {
        QUERY, INGEST
    }

    /**
     * One bearer token, kept as the SHA-256 hex of its text: one tenant's (its queries see, its
     * writes land in, that tenant only) or an administrator's ({@code tenant} empty: every tenant),
     * allowed what its scopes say.
     */
    public record Token(Optional<String> tenant, String sha256, Set<Scope> scopes) {
        public Token {
            scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
        }

        public static Token ofTenant(String tenant, String sha256, Scope... scopes) {
            return new Token(Optional.of(tenant), sha256, Set.of(scopes));
        }

        public static Token admin(String sha256, Scope... scopes) {
            return new Token(Optional.empty(), sha256, Set.of(scopes));
        }
    }

    /**
     * The limits of the HTTP edge (statspipe's API and the agent's ingest), each with the key it
     * is read from in {@code statspipe-defaults.conf}.
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

    public record Api(String bind, int port, List<Token> tokens, long maxBuckets, HttpEdge edge, Tls tls) {
        public Api {
            tokens = List.copyOf(tokens);
        }

        /**
         * Where clients on this machine reach the API: the bound address, or loopback when bound to
         * every interface; https when the API serves TLS.
         */
        public String baseUrl() {
            return (tls.serves() ? "https://" : "http://") + connectAddress(bind) + ":" + port;
        }
    }

    /**
     * TLS of the HTTP API ({@code statspipe.api.tls.*}): the server's keystore (a PKCS12 file with
     * its private key and certificate; the API serves HTTPS only when it is set), and the
     * truststore the command line's clients check the API's certificate with (the JDK's trusted
     * authorities when not set). The files are read, and checked, by whoever uses them.
     */
    public record Tls(Optional<Path> keystore, String keystorePassword, Optional<Path> truststore,
                      String truststorePassword) {
        public static final Tls NONE = new Tls(Optional.empty(), "", Optional.empty(), "");

        public boolean serves() {
            return keystore.isPresent();
        }

        /** Without the passwords: they must never reach a log. */
        @Override
        public String toString() {
            return "Tls[keystore=" + keystore.map(Path::toString).orElse("none") + ", truststore="
                    + truststore.map(Path::toString).orElse("JDK default") + "]";
        }
    }

    public record Statsd(String bind, int port, io.statspipe.adapter.ingest.GaugeDeltas gaugeDeltas) {
    }

    /** HTTP ingest: whether a request must carry a token with the ingest scope. */
    public record Ingest(boolean requireToken) {
    }

    /**
     * The address a local client connects to for a listener bound to {@code bind}: loopback for the
     * wildcard address (every interface), whichever way it is written.
     */
    public static String connectAddress(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isAnyLocalAddress() ? BIND_ADDRESS : bind;
        } catch (java.net.UnknownHostException e) {
            return bind; // an IP literal never needs a lookup; the loader refuses anything else
        }
    }

    /** @param client extra properties for every Kafka client statspipe makes ({@code statspipe.event-log.client}) */
    public record EventLog(Engines.EventLog engine, String bootstrapServers, int port, int controllerPort,
                           int partitions, KafkaClientProperties client) {
        /** Where clients find the brokers, embedded or external. */
        public String brokers() {
            return engine == Engines.EventLog.EMBEDDED_KAFKA ? BIND_ADDRESS + ":" + port : bootstrapServers;
        }
    }

    public record Store(Engines.Store engine, String url, int port, int heapMb) {
        /** KairosDB's base URL, local or external. */
        public String kairosUrl() {
            return engine == Engines.Store.KAIROSDB ? url : "http://" + BIND_ADDRESS + ":" + port;
        }
    }

    /**
     * @param seriesLimitPerTenant most distinct series of one tenant counted per window, over the cluster
     * @param seriesLimit          most distinct series counted per window, over the cluster
     */
    public record Topology(Engines.Topology engine, String name, Duration flushInterval, Duration coarseFlushInterval,
                           int rollupParallelism, int workers, long seriesLimitPerTenant, long seriesLimit) {
    }

    public record Legacy(Engines.Legacy engine, String uri, int port, String database) {
        public String mongoUri() {
            return engine == Engines.Legacy.MONGO ? uri : "mongodb://" + BIND_ADDRESS + ":" + port;
        }
    }

    public record Agent(long spoolMaxBytes) {
    }

    public record Migration(Duration switchMargin, Duration settleTime, boolean shadowReads, int backfillBatch,
                            int backfillRate) {
    }
}
