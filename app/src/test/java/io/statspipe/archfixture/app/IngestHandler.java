package io.statspipe.archfixture.app;

import io.statspipe.archfixture.ports.in.RecordEventsUseCase;

/** Breaks "app records no input": an HTTP handler in app handing a body to the inbound port itself. */
public final class IngestHandler {
    public int handle(RecordEventsUseCase events, String body) {
        return events.record(body);
    }
}
