package io.statspipe.app.embedded;

import java.util.concurrent.atomic.AtomicLong;

/** Events accepted and lines refused by the ingest endpoints, for /metrics and status. */
public final class IngestCounters {
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public void accepted(long n) {
        events.addAndGet(n);
    }

    public void refused(long n) {
        refused.addAndGet(n);
    }

    public long events() {
        return events.get();
    }

    public long refused() {
        return refused.get();
    }
}
