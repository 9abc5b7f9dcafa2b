package io.statspipe.ports.in;

import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import java.util.List;

/** Events to record, from one source (for logs and dead letters: {@code udp:127.0.0.1:51234}, {@code http}). */
public record RecordEventsCommand(List<Event> events, String source) {

    public RecordEventsCommand {
        events = List.copyOf(events);
        if (source == null || source.isBlank()) {
            throw new InvalidStatException("a record command needs a source");
        }
    }
}
