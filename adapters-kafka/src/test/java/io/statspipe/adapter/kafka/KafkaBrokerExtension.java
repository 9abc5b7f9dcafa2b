package io.statspipe.adapter.kafka;

import io.statspipe.ports.testkit.EngineExtension;
import java.util.Map;

/** A real KRaft broker on 127.0.0.1, once per test class (see {@link EngineExtension}). */
public final class KafkaBrokerExtension extends EngineExtension<LocalKafkaBroker> {

    public KafkaBrokerExtension() {
        super("kafka", folder -> new LocalKafkaBroker(folder).start());
    }

    private KafkaBrokerExtension(Map<String, String> passwordsByUser) {
        super("kafka-sasl", folder -> new LocalKafkaBroker(folder).withSaslPlain(passwordsByUser).start());
    }

    /** A broker whose client listener asks SASL/PLAIN with these users. */
    public static KafkaBrokerExtension withSaslPlain(Map<String, String> passwordsByUser) {
        return new KafkaBrokerExtension(passwordsByUser);
    }

    public String bootstrapServers() {
        return engine().bootstrapServers();
    }
}
