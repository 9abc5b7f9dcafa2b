package io.statspipe.app.wiring;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import io.statspipe.app.config.Settings;
import java.util.List;

/**
 * The one place that turns configuration into wiring: one key per port, one Guice module per
 * engine (as KairosDB chooses its datastore module).
 */
public final class EngineModules {
    private EngineModules() {
    }

    public static List<Module> of(Settings settings) {
        Module eventLog = switch (settings.eventLog().engine()) {
            case EMBEDDED_KAFKA -> new EmbeddedKafkaModule();
            case KAFKA -> new KafkaModule();
        };
        Module store = switch (settings.store().engine()) {
            case KAIROSDB_H2 -> new KairosDbH2Module();
            case KAIROSDB_CASSANDRA -> new KairosDbCassandraModule();
            case KAIROSDB -> new KairosDbModule();
        };
        Module legacy = switch (settings.legacy().engine()) {
            case NONE -> new NoLegacyModule();
            case EMBEDDED_MONGO -> new EmbeddedMongoModule();
            case MONGO -> new MongoModule();
        };
        Module topology = switch (settings.topology().engine()) {
            case LOCAL -> new LocalTopologyModule();
            case CLUSTER -> new ClusterTopologyModule();
        };
        return List.of(new CoreModule(settings), eventLog, store, legacy, topology);
    }

    public static Injector injector(Settings settings) {
        return Guice.createInjector(Stage.DEVELOPMENT, of(settings));
    }
}
