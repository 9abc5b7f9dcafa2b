package io.statspipe.bench;

import io.statspipe.adapter.ingest.StatsdUdpListener;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.domain.Event;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The StatsD listener's second thread, as the benchmarks run it: the caller parses, and chunks
 * of parsed events go to the agent's spool on a thread of their own ({@code bench-spooler}).
 */
public final class Spooler {
    private final BlockingQueue<List<Event>> parsed = new ArrayBlockingQueue<>(StatsdUdpListener.QUEUED_CHUNKS);
    private final Thread thread;

    public Spooler(StoreAndForwardAgent agent) {
        thread = new Thread(() -> {
            try {
                for (List<Event> chunk = parsed.take(); !chunk.isEmpty(); chunk = parsed.take()) {
                    agent.offer(chunk);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-spooler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a chunk for the spool; waits while as many chunks are queued as the listener lets wait. */
    public void put(List<Event> chunk) throws InterruptedException {
        if (!chunk.isEmpty()) {
            parsed.put(chunk);
        }
    }

    /** Returns once every chunk queued is in the spool. */
    public void finish() throws InterruptedException {
        parsed.put(List.of());
        thread.join();
    }
}
