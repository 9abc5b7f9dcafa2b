package io.statspipe.ports.service;

import io.statspipe.ports.in.RecordEventsCommand;
import io.statspipe.ports.in.RecordEventsUseCase;
import io.statspipe.ports.out.PublishEventsPort;

/** Records events by publishing them to the event log; returns once they are durable there. */
public final class RecordEventsService implements RecordEventsUseCase {
    private final PublishEventsPort eventLog;

    public RecordEventsService(PublishEventsPort eventLog) {
        this.eventLog = eventLog;
    }

    @Override
    public int record(RecordEventsCommand command) {
        if (!command.events().isEmpty()) {
            eventLog.publish(command.events());
        }
        return command.events().size();
    }
}
