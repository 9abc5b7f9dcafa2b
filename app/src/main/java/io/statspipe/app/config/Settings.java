package io.statspipe.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * statspipe's whole configuration, validated. Read by {@link SettingsLoader} from
 * {@code statspipe-defaults.conf} (every key, documented) and the user's overrides.
 */
public record Settings(Path dataDir, Api api, Statsd statsd, EventLog eventLog, Store store, Topology topology,
                       Legacy legacy, Agent agent, Migration migration) {

    /** Every listener binds here: statspipe runs loopback-only unless it talks to external engines. */
    public static final String BIND_ADDRESS = "127.0.0.1";

    /** One bearer token (as the SHA-256 hex of its text) allowed to read one tenant's series. */
    public record TenantToken(String tenant, String sha256) {
    }

    public record Api(int port, List<TenantToken> tokens, List<String> adminSha256, long maxBuckets) {
        public Api {
            tokens = List.copyOf(tokens);
            adminSha256 = List.copyOf(adminSha256);
        }

        public String baseUrl() {
            return "http://" + BIND_ADDRESS + ":" + port;
        }
    }

    public record Statsd(int port) {
    }

    public record EventLog(Engines.EventLog engine, String bootstrapServers, int port, int controllerPort,
                           int partitions) {
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
