package io.statspipe.ports.in;

/**
 * Takes events in. When {@link #record} returns, the events are durable (spooled or in the
 * event log): they will be counted exactly once, whatever fails later.
 */
public interface RecordEventsUseCase {

    /** @return how many events were recorded */
    int record(RecordEventsCommand command);
}
