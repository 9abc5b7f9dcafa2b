package io.statspipe.app.wiring;

/** The event log engine (Kafka), embedded or external. */
public interface EventLog extends Engine {

    /** {@code host:port,...} for clients; valid once started. */
    String bootstrapServers();
}
