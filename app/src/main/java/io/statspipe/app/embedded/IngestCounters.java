package io.statspipe.app.embedded;

import io.statspipe.adapter.ingest.IngestEndpoint;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Events accepted, lines refused and lines ignored by the ingest endpoints, for /metrics and status. */
public final class IngestCounters implements IngestEndpoint.Counts {
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile LongSupplier udpEvents = () -> 0;
    private volatile LongSupplier udpRefused = () -> 0;
    private final AtomicLong ignored = new AtomicLong();
    private volatile LongSupplier udpIgnored = () -> 0;

    /** Adds what the StatsD UDP listener counts itself. */
    public void add(LongSupplier events, LongSupplier refusedLines, LongSupplier ignoredLines) {
        this.udpEvents = events;
        this.udpRefused = refusedLines;
        this.udpIgnored = ignoredLines;
    }

    /** DogStatsD events and service checks received over HTTP and ignored. */
    @Override
    public void ignored(long n) {
        ignored.addAndGet(n);
    }

    public long ignoredLines() {
        return ignored.get() + udpIgnored.getAsLong();
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
