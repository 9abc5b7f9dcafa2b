package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.app.config.Settings;

/** {@code statspipe.event-log.engine = kafka}: an external Kafka cluster at {@code statspipe.event-log.bootstrap-servers}. */
public final class KafkaModule extends AbstractModule {

    @Provides
    @Singleton
    EventLog eventLog(Settings settings) {
        String servers = settings.eventLog().bootstrapServers();
        return new EventLog() {
            private volatile boolean checked;

            @Override
            public String name() {
                return "Kafka (external)";
            }

            @Override
            public String where() {
                return servers;
            }

            @Override
            public String bootstrapServers() {
                return servers;
            }

            @Override
            public void start() {
                Reachability.requireReachable("statspipe.event-log.bootstrap-servers", servers);
                int brokers = servers.split(",").length;
                TopicLayout.of(settings.eventLog().partitions(), Math.min(3, brokers)).ensureExists(servers);
                checked = true;
            }

            @Override
            public boolean ready() {
                return checked;
            }

            @Override
            public void close() {
                // Not ours to stop.
            }
        };
    }
}
