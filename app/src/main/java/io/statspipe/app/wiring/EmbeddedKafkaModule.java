package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.app.config.Settings;
import java.util.Map;

/** {@code statspipe.event-log.engine = embedded-kafka}: a KRaft broker in this process, data in the data folder. */
public final class EmbeddedKafkaModule extends AbstractModule {

    @Provides
    @Singleton
    EventLog eventLog(Settings settings) {
        Settings.EventLog s = settings.eventLog();
        return new EventLog() {
            private LocalKafkaBroker broker;

            @Override
            public String name() {
                return "Kafka broker (embedded KRaft)";
            }

            @Override
            public String where() {
                return bootstrapServers();
            }

            @Override
            public String bootstrapServers() {
                return Settings.BIND_ADDRESS + ":" + s.port();
            }

            @Override
            public void start() {
                Reachability.requireFreePort("statspipe.event-log.port", s.port());
                Reachability.requireFreePort("statspipe.event-log.controller-port", s.controllerPort());
                broker = new LocalKafkaBroker(settings.dataDir().resolve("kafka"), s.port(), s.controllerPort(), Map.of())
                        .start();
                TopicLayout.of(s.partitions(), 1).ensureExists(broker.bootstrapServers(), s.client().properties());
            }

            @Override
            public boolean ready() {
                return broker != null && broker.isRunning();
            }

            @Override
            public void close() {
                if (broker != null) {
                    broker.close();
                }
            }
        };
    }
}
