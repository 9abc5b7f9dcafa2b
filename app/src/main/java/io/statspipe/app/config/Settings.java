package io.statspipe.app.config;

import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.Tls;
import io.statspipe.adapter.http.Token;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
