package io.statspipe.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.app.config.ConfigurationException;
import io.statspipe.app.config.KafkaClientProperties;
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
                KafkaClientProperties client = settings.eventLog().client();
                try {
                    TopicLayout.of(settings.eventLog().partitions(), Math.min(3, brokers)).ensureExists(servers, client.properties());
                } catch (IllegalStateException e) {
                    if (e.getCause() == null) {
                        throw e; // the topics are there but not as configured: the message says how
                    }
                    // A listener that wants TLS or SASL just hangs up on a client that speaks neither.
                    throw new ConfigurationException("statspipe.event-log.bootstrap-servers = '" + servers + "': "
                            + e.getMessage() + (client.properties().containsKey("security.protocol") ? ""
                            : "; if the brokers' listeners need TLS or SASL, configure " + KafkaClientProperties.KEY), e);
                }
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
