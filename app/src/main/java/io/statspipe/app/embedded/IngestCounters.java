package io.statspipe.app.embedded;

import io.statspipe.app.ingest.IngestEndpoint;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Events accepted and lines refused by the ingest endpoints, for /metrics and status. */
public final class IngestCounters implements IngestEndpoint.Counts {
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile LongSupplier udpEvents = () -> 0;
    private volatile LongSupplier udpRefused = () -> 0;

    /** Adds what the StatsD UDP listener counts itself. */
    public void add(LongSupplier events, LongSupplier refusedLines) {
        this.udpEvents = events;
        this.udpRefused = refusedLines;
    }

    @Override
    public void accepted(long n) {
        events.addAndGet(n);
    }

    @Override
    public void refused(long n) {
        refused.addAndGet(n);
    }

    public long events() {
        return events.get() + udpEvents.getAsLong();
    }

    public long refused() {
        return refused.get() + udpRefused.getAsLong();
    }
}
