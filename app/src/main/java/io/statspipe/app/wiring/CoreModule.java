package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import io.statspipe.adapter.kafka.migration.KafkaPhaseStore;
import io.statspipe.adapter.kafka.migration.KafkaProgress;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.app.config.Engines;
import io.statspipe.app.config.Settings;
import io.statspipe.migration.FilePhaseStore;
import io.statspipe.migration.FileProgress;
import io.statspipe.migration.MigrationControl;
import io.statspipe.migration.MigrationLedger;
import io.statspipe.migration.MigrationSettings;
import io.statspipe.migration.PhaseRoutedQueries;
import io.statspipe.ports.in.DeleteDataUseCase;
import io.statspipe.ports.in.ListSeriesUseCase;
import io.statspipe.ports.in.MigrationControlUseCase;
import io.statspipe.ports.in.QueryStatsUseCase;
import io.statspipe.ports.out.DeletePointsPort;
import io.statspipe.ports.out.PhaseStorePort;
import io.statspipe.ports.out.ProgressPort;
import io.statspipe.ports.out.QueryAggregatesPort;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.service.DeleteDataService;
import io.statspipe.ports.service.ListSeriesService;
import io.statspipe.ports.service.QueryStatsService;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What does not depend on the engine choice: settings, clock, migration state and the use cases. */
public final class CoreModule extends AbstractModule {
    private static final Logger LOG = LoggerFactory.getLogger(CoreModule.class);
    private final Settings settings;

    public CoreModule(Settings settings) {
        this.settings = settings;
    }

    public static Path phaseFile(Settings settings) {
        return settings.dataDir().resolve("migration").resolve("phases");
    }

    /**
     * Where the migration's phase lives: with an external Kafka ({@code statspipe.event-log.engine =
     * kafka}), in a compacted topic of it, so the topology's workers and {@code statspipe migrate}
     * on any host of the cluster read and change the same phase; otherwise (the embedded broker
     * listens on this machine's loopback only) in the data folder.
     */
    public static TopologyPlugs.Factory<PhaseStorePort> phaseStores(Settings settings) {
        if (settings.eventLog().engine() == Engines.EventLog.KAFKA) {
            String servers = settings.eventLog().bootstrapServers();
            HashMap<String, String> client = new HashMap<>(settings.eventLog().client().properties());
            return () -> new KafkaPhaseStore(servers, client);
        }
        String phases = phaseFile(settings).toAbsolutePath().toString();
        return () -> new FilePhaseStore(Path.of(phases));
    }

    /** Where the migration's job progress and ledger live: beside the phase ({@link #phaseStores}). */
    static ProgressPort progress(Settings settings) {
        if (settings.eventLog().engine() == Engines.EventLog.KAFKA) {
            return new KafkaProgress(settings.eventLog().bootstrapServers(), settings.eventLog().client().properties());
        }
        return new FileProgress(settings.dataDir().resolve("migration").resolve("progress.properties"));
    }

    @Override
    protected void configure() {
        bind(Settings.class).toInstance(settings);
        bind(InstantSource.class).toInstance(InstantSource.system());
        bind(PhaseStorePort.class).toInstance(phaseStores(settings).get());
        bind(ProgressPort.class).toInstance(progress(settings));
    }

    @Provides
    MigrationSettings migrationSettings() {
        return new MigrationSettings(settings.migration().switchMargin(), settings.migration().settleTime());
    }

    @Provides
    @Singleton
    MigrationLedger ledger(ProgressPort progress) {
        return new MigrationLedger(progress);
    }

    @Provides
    @Singleton
    MigrationControlUseCase migration(PhaseStorePort phases, MigrationLedger ledger, MigrationSettings migration,
                                      InstantSource clock) {
        return new MigrationControl(phases, ledger, migration, clock);
    }

    /**
     * Queries go to the store the migration phase makes primary when there is a legacy store;
     * otherwise to the new store.
     */
    @Provides
    @Singleton
    QueryStatsUseCase queries(@Named(Stores.NEW) QueryAggregatesPort fresh, LegacyStore legacy, PhaseStorePort phases) {
        QueryAggregatesPort store = legacy.ports()
                .<QueryAggregatesPort>map(l -> new PhaseRoutedQueries(l.queries(), fresh, phases,
                        settings.migration().shadowReads(),
                        d -> LOG.warn("shadow read of '{}' differs: {} store answered {}, the other {}",
                                d.query().metric(), d.primary(), d.primaryAnswer(), d.shadowAnswer())))
                .orElse(fresh);
        return new QueryStatsService(store, settings.api().maxBuckets(), Optional.of(settings.rollup().rules()));
    }

    /** Listing reads the new store: KairosDB holds every series statspipe writes, the legacy store only its days. */
    @Provides
    @Singleton
    ListSeriesUseCase listing(@Named(Stores.NEW) ReadBucketsPort fresh) {
        return new ListSeriesService(fresh);
    }

    /** Deleting reaches KairosDB, and the legacy store when this installation runs one. */
    @Provides
    @Singleton
    DeleteDataUseCase deletion(@Named(Stores.NEW) DeletePointsPort fresh, LegacyStore legacy) {
        List<DeletePointsPort> stores = new ArrayList<>(List.of(fresh));
        legacy.ports().ifPresent(l -> stores.add(l.deletion()));
        return new DeleteDataService(stores);
    }
}
