package io.statspipe.ports.out;

import io.statspipe.domain.Event;
import java.util.List;

/** The event log: durable publication of event batches (Kafka {@code stats.events} in production). */
public interface PublishEventsPort {

    /**
     * Publishes the events durably; when this returns they will be delivered to consumers.
     *
     * @throws EngineUnavailableException when the log cannot take them now
     */
    void publish(List<Event> events);
}
