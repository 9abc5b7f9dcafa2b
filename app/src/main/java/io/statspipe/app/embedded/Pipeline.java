package io.statspipe.app.embedded;

import com.google.inject.Injector;
import io.statspipe.adapter.kafka.AgentHealth;
import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.adapter.storm.PipelineHealth;
import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.DeleteEndpoint;
import io.statspipe.adapter.http.IngestRoute;
import io.statspipe.adapter.http.KairosCompatibleApi;
import io.statspipe.adapter.http.ListingEndpoints;
import io.statspipe.adapter.http.PipelineMetrics;
import io.statspipe.adapter.http.PipelineStatus;
import io.statspipe.adapter.http.QueryEndpoint;
import io.statspipe.adapter.http.Readiness;
import io.statspipe.adapter.http.StatusEndpoints;
import io.statspipe.adapter.http.TenantTokens;
import io.statspipe.app.config.ConfigurationException;
import io.statspipe.app.config.Engines;
import io.statspipe.app.config.Settings;
import io.statspipe.app.wiring.AggregateStore;
import io.statspipe.app.wiring.Engine;
import io.statspipe.app.wiring.EngineModules;
import io.statspipe.app.wiring.EventLog;
import io.statspipe.app.wiring.LegacyStore;
import io.statspipe.app.wiring.Reachability;
import io.statspipe.app.wiring.Topology;
import io.statspipe.domain.Phase;
import io.statspipe.ports.in.DeleteDataUseCase;
import io.statspipe.ports.in.ListSeriesUseCase;
import io.statspipe.ports.in.QueryStatsUseCase;
import io.statspipe.ports.out.NativeQueryPort;
import io.statspipe.ports.out.PhaseStorePort;
import io.statspipe.ports.service.RecordEventsService;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in this process, on 127.0.0.1: the engines chosen by configuration (Kafka,
 * KairosDB, the legacy store when the migration needs it, the topology), the store-and-forward
 * agent with its ingest endpoints, and the HTTP API. Started in dependency order and stopped in
 * reverse; one pipeline per data folder (a lock file that the OS releases even after kill -9).
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final Settings settings;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private final Readiness readiness = new Readiness();
    private final AtomicReference<StoreAndForwardAgent> agent = new AtomicReference<>();
    private final AtomicReference<Topology> topology = new AtomicReference<>();
    private final IngestCounters ingest = new IngestCounters();

    private Pipeline(Settings settings) {
        this.settings = settings;
    }

    /** Starts everything; on any failure stops what was started and rethrows. */
    public static Pipeline start(Settings settings) throws Exception {
        Pipeline p = new Pipeline(settings);
        try {
            p.startAll();
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    private void startAll() throws Exception {
        Files.createDirectories(settings.dataDir());
        lockDataDir();
        // Fail on taken ports before starting any engine, naming the key.
        Reachability.requireFreePort("statspipe.api.port", settings.api().bind(), settings.api().port());
        requireFreeUdpPort("statspipe.statsd.port", settings.statsd().bind(), settings.statsd().port());
        Injector injector = EngineModules.injector(settings);

        PipelineMetrics metrics = new PipelineMetrics(this::status);
        TenantTokens tokens = new TenantTokens(settings.api().tokens());
        ApiServer api = new ApiServer(settings.api().bind(), settings.api().port(), settings.api().edge(),
                settings.api().tls())
                .route("/health", StatusEndpoints.health(readiness))
                .route("/metrics", StatusEndpoints.metrics(metrics))
                .route("/api/v1/status", StatusEndpoints.status(this::status));
        running.push(api);
        // Ready only once every endpoint is registered, whatever each engine says before.
        java.util.concurrent.atomic.AtomicBoolean complete = new java.util.concurrent.atomic.AtomicBoolean();
        readiness.add("start-up", complete::get);
        // Answer /health (503, naming what is still starting) while the engines start.
        api.start();
        endpoints.put("statspipe HTTP API", settings.api().baseUrl() + "  (ingest, query, KairosDB read API for Grafana, /health, /metrics)");

        EventLog eventLog = injector.getInstance(EventLog.class);
        startEngine(eventLog);
        AggregateStore store = injector.getInstance(AggregateStore.class);
        startEngine(store);
        LegacyStore legacy = injector.getInstance(LegacyStore.class);
        Phase phase = injector.getInstance(PhaseStorePort.class).current();
        if (settings.legacy().engine() != Engines.Legacy.NONE && phase != Phase.NEW_ONLY) {
            startEngine(legacy);
        }
        Topology topo = injector.getInstance(Topology.class);
        startEngine(topo);
        topology.set(topo);

        StoreAndForwardAgent a = StoreAndForwardAgent.start(AgentSettings.of(eventLog.bootstrapServers(),
                TopicLayout.of(settings.eventLog().partitions(), 1),
                SpoolSettings.defaults(settings.dataDir().resolve("spool")).withMaxBytes(settings.agent().spoolMaxBytes(),
                        Math.min(SpoolSettings.DEFAULT_SEGMENT_BYTES, settings.agent().spoolMaxBytes())))
                .withClientProperties(settings.eventLog().client().properties()));
        running.push(a);
        agent.set(a);
        readiness.add("agent", () -> true);
        endpoints.put("agent spool", settings.dataDir().resolve("spool").toAbsolutePath().toString());
        Ingest.register(api, settings, new RecordEventsService(a), new IngestRoute.Access(tokens, settings.ingest().requireToken()), ingest,
                running, readiness, endpoints);

        QueryStatsUseCase queries = injector.getInstance(QueryStatsUseCase.class);
        api.route("/api/v1/query", new QueryEndpoint(tokens, queries, InstantSource.system()));
        KairosCompatibleApi.register(api, tokens, injector.getInstance(NativeQueryPort.class));
        ListingEndpoints.register(api, tokens, injector.getInstance(ListSeriesUseCase.class), InstantSource.system());
        api.route(DeleteEndpoint.PATH, new DeleteEndpoint(tokens, injector.getInstance(DeleteDataUseCase.class),
                InstantSource.system()));
        endpoints.put("data folder", settings.dataDir().toAbsolutePath().toString());
        complete.set(true);
        LOG.info("statspipe is up: HTTP API {}, StatsD udp://{}:{}", settings.api().baseUrl(), settings.statsd().bind(),
                settings.statsd().port());
    }

    private void startEngine(Engine engine) throws Exception {
        readiness.add(engine.name(), engine::ready);
        LOG.info("starting {} ...", engine.name());
        running.push(engine);
        engine.start();
        endpoints.put(engine.name(), engine.where());
        LOG.info("{} ready at {}", engine.name(), engine.where());
    }

    /** What runs where, for the start-up banner. */
    public Map<String, String> endpoints() {
        return Map.copyOf(endpoints);
    }

    public Map<String, String> endpointsInOrder() {
        return new LinkedHashMap<>(endpoints);
    }

    /** The live figures for /metrics and {@code statspipe status}. */
    public PipelineStatus status() {
        StoreAndForwardAgent a = agent.get();
        Optional<PipelineHealth.Snapshot> h = Optional.ofNullable(topology.get()).flatMap(Topology::health);
        Optional<AgentHealth> ah = Optional.ofNullable(a).map(StoreAndForwardAgent::health);
        return new PipelineStatus(ingest.events(), ingest.refused(), ingest.ignoredLines(),
                ah.map(AgentHealth::spoolDepthBatches).orElse(0L), ah.map(AgentHealth::spoolBytes).orElse(0L),
                h.map(PipelineHealth.Snapshot::lagByPartition).orElse(Map.of()),
                h.map(PipelineHealth.Snapshot::flushes).orElse(0L), h.map(PipelineHealth.Snapshot::lastFlushMillis).orElse(0L),
                h.map(PipelineHealth.Snapshot::maxFlushMillis).orElse(0L), h.map(PipelineHealth.Snapshot::eventsCounted).orElse(0L),
                h.map(PipelineHealth.Snapshot::lateEvents).orElse(0L), h.map(PipelineHealth.Snapshot::deadLetters).orElse(0L),
                h.map(PipelineHealth.Snapshot::storeFailures).orElse(0L),
                h.map(PipelineHealth.Snapshot::partialsRefused).orElse(0L),
                h.map(PipelineHealth.Snapshot::readBackRewrites).orElse(0L),
                h.map(PipelineHealth.Snapshot::activeSeriesByTenant).orElse(Map.of()),
                h.map(PipelineHealth.Snapshot::tooNewByProducer).orElse(Map.of()));
    }

    private void lockDataDir() throws IOException {
        Path lockFile = settings.dataDir().resolve("statspipe.lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new ConfigurationException("statspipe.data-dir = '" + settings.dataDir()
                    + "': another statspipe is running on this data folder (it holds " + lockFile + ")");
        }
        FileLock held = lock;
        running.push(() -> {
            held.release();
            channel.close();
        });
    }

    private static void requireFreeUdpPort(String key, String bind, int port) {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.bind(new InetSocketAddress(bind, port));
        } catch (SocketException e) {
            throw new ConfigurationException(key + " = " + port + ": UDP port " + port + " on " + bind
                    + " is already in use; choose another port");
        }
    }

    /** Stops everything started, newest first; never throws. */
    @Override
    public synchronized void close() {
        while (!running.isEmpty()) {
            AutoCloseable c = running.pop();
            try {
                c.close();
            } catch (Exception | Error e) {
                LOG.warn("stopping {}: {}", c instanceof Engine engine ? engine.name() : c.getClass().getSimpleName(),
                        e.toString());
            }
        }
    }
}
