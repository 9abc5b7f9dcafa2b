package io.statspipe.domain;

import java.util.List;

/** Events travelling together from one producer, under one {@link BatchId}. */
public record EventBatch(BatchId id, List<Event> events) {

    public EventBatch {
        if (id == null) {
            throw new InvalidStatException("an event batch needs an id");
        }
        events = List.copyOf(events);
    }
}
