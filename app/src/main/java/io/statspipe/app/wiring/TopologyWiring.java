package io.statspipe.app.wiring;

import io.statspipe.adapter.kafka.KafkaDeadLetters;
import io.statspipe.adapter.kafka.KafkaTopics;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.SeriesLimits;
import io.statspipe.migration.DualWriteStore;
import io.statspipe.migration.MigrationSettings;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.ports.out.PhaseStorePort;
import io.statspipe.ports.out.WritePartialsPort;
import java.time.Duration;
import java.util.Optional;

/** The topology's settings and plugs, from the configuration: the same for LocalCluster and a Storm cluster. */
public final class TopologyWiring {
    private TopologyWiring() {
    }

    public static TopologySettings settings(Settings settings, String bootstrapServers) {
        return TopologySettings.defaults(bootstrapServers).withName(settings.topology().name())
                .withFlushInterval(settings.topology().flushInterval())
                .withCoarseFlushInterval(settings.topology().coarseFlushInterval())
                .withSeriesLimits(new SeriesLimits(clamp(settings.topology().seriesLimitPerTenant()),
                        clamp(settings.topology().seriesLimit())))
                .withParallelism(1, settings.topology().rollupParallelism())
                .withWorkers(settings.topology().workers())
                .withKafkaClientProperties(settings.eventLog().client().properties());
    }

    private static int clamp(long limit) {
        return (int) Math.min(Integer.MAX_VALUE, limit);
    }

    /**
     * The plugs: the configured rules ({@code statspipe.rollup.rules}), Kafka's batch format, the store, and the read-back that
     * completes a flush only once its points are durable. With a legacy store the topology writes
     * through {@link DualWriteStore}, which reads the migration phase on every flush; without
     * one, straight into the new store.
     */
    public static TopologyPlugs plugs(Settings settings, AggregateStore store, LegacyStore legacy) {
        TopologyPlugs.Factory<RuleSet> rules = settings.rollup().factory();
        TopologyPlugs.Factory<WritePartialsPort> fresh = store.writerFactory(rules);
        Optional<String[]> mongo = legacy.uriAndDatabase();
        TopologyPlugs.Factory<DurabilityCheck> readBack = store.durabilityFactory(rules);
        TopologyPlugs.Factory<WritePartialsPort> writer;
        TopologyPlugs.Factory<DurabilityCheck> durability;
        if (mongo.isEmpty()) {
            writer = fresh;
            durability = readBack;
        } else {
            String uri = mongo.get()[0];
            String database = mongo.get()[1];
            TopologyPlugs.Factory<PhaseStorePort> phases = CoreModule.phaseStores(settings);
            long margin = settings.migration().switchMargin().toMillis();
            long settle = settings.migration().settleTime().toMillis();
            writer = () -> new DualWriteStore(LegacyStore.Ports.connect(uri, database).writes(), fresh.get(),
                    phases.get(),
                    new MigrationSettings(Duration.ofMillis(margin), Duration.ofMillis(settle)));
            // The legacy store acknowledges durable writes; KairosDB's points are read back, but
            // only those the current phase sent to it.
            durability = () -> {
                DurabilityCheck kairos = readBack.get();
                PhaseStorePort phaseStore = phases.get();
                MigrationSettings migration = new MigrationSettings(Duration.ofMillis(margin), Duration.ofMillis(settle));
                return partials -> kairos.unconfirmed(DualWriteStore.forNewStore(partials, phaseStore.current(), phaseStore,
                        migration));
            };
        }
        return new TopologyPlugs(rules, ProtobufEventBatchFormat::new, writer, durability, KafkaDeadLetters::new,
                KafkaTopics::ensureCompacted);
    }
}
