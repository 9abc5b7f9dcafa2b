package io.statspipe.adapter.storm;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.ports.out.ContentRefusedException;
import io.statspipe.ports.out.DeadLetter;
import io.statspipe.ports.out.DeadLetterPort;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.ports.out.FlushIntentPort;
import io.statspipe.ports.out.StreamTakenOverException;
import io.statspipe.ports.out.WritePartialsPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits flushes: records the intent, writes the
 * partials (in batches, retrying with backoff while the store is down), waits until they are
 * durable, sends the range's dead letters, and completes the intent. Nothing is ever dropped:
 * a flush that cannot be committed is retried until it can, and meanwhile its input stays
 * unacked, so the spout throttles. The one exception is a partial whose content the store
 * refuses (it would refuse it forever): it goes to the dead-letter topic with the store's
 * reason, so that it cannot stop its partition from counting.
 *
 * <p>Runs on threads of its own so that the task keeps taking tuples (and holding the
 * duplicates of timed-out ones) while a write waits; completed flushes come back through
 * {@link #pollCompleted()} for the task to ack on its own thread. The flushes of different
 * partitions commit side by side: a partition's flush never waits for another partition's
 * commit (a task's partitions are cut at the same ticks, and one after the other each waited
 * for the whole commit of those before it). A partition has at most one flush in flight (the
 * task cuts its next range only once the previous one completed), so the threads are at most
 * the task's partitions.
 */
final class FlushCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlushCommitter.class);
    private static final int WRITE_BATCH = 5_000;
    private static final Duration DURABLE_WITHIN = Duration.ofSeconds(30);
    /** A partial the store refuses this many times in a row is set aside (a refusal may be a fluke once). */
    static final int REFUSALS_BEFORE_DEAD_LETTER = 3;

    private final FlushIntentPort intents;
    private final WritePartialsPort store;
    private final DurabilityCheck durability;
    private final DeadLetterPort deadLetters;
    private final PipelineHealth health;
    private final CommitRetries retries;
    private final ExecutorService threads;
    private final Queue<PendingFlush> completed = new ConcurrentLinkedQueue<>();
    private final Queue<PendingFlush> takenOver = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    FlushCommitter(FlushIntentPort intents, WritePartialsPort store, DurabilityCheck durability,
                   DeadLetterPort deadLetters, PipelineHealth health, CommitRetries retries, String threadName) {
        this.intents = intents;
        this.store = store;
        this.durability = durability;
        this.deadLetters = deadLetters;
        this.health = health;
        this.retries = retries;
        AtomicInteger started = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName + "-" + started.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Commits the flush on one of the committer's threads; it shows up in {@link #pollCompleted()} when done. */
    void submit(PendingFlush flush) {
        threads.execute(() -> {
            try {
                if (commit(flush)) {
                    completed.add(flush);
                }
            } catch (StreamTakenOverException e) {
                LOG.warn("partition {}: {}; flush {} is left to the new owner", flush.partition(), e.getMessage(),
                        flush.intent().origin());
                takenOver.add(flush);
            }
        });
    }

    /**
     * Commits the flush on the caller's thread (recovery); false only when closed meanwhile.
     *
     * @throws StreamTakenOverException when another owner claimed the flush's partition: nothing
     *                                  of the flush was written after that
     */
    boolean commit(PendingFlush flush) {
        long started = System.nanoTime();
        List<Partial> partials = flush.flush().partials();
        if (!retry("record intent " + flush.intent(), () -> intents.begin(flush.intent()))) {
            return false;
        }
        long begun = System.nanoTime();
        Map<PartialId, DeadLetter> refused = new LinkedHashMap<>();
        if (!writeAll(flush, partials, refused)) {
            return false;
        }
        long written = System.nanoTime();
        if (!awaitDurable(flush, refused)) {
            return false;
        }
        long durable = System.nanoTime();
        List<DeadLetter> letters = new ArrayList<>(flush.deadLetters());
        letters.addAll(refused.values());
        if (!letters.isEmpty() && !retry("dead-letter " + letters.size() + " records", () -> deadLetters.send(letters))) {
            return false;
        }
        if (!retry("complete intent " + flush.intent(), () -> intents.complete(flush.intent()))) {
            return false;
        }
        long completed = System.nanoTime();
        health.flushed(flush, refused.size(), (completed - started) / 1_000_000);
        LOG.debug("committed {} ({} partials, {} events) in {} ms: begin {} ms, write {} ms, read back {} ms, complete {} ms",
                flush.intent().origin(), partials.size(), flush.flush().events(), (completed - started) / 1_000_000,
                (begun - started) / 1_000_000, (written - begun) / 1_000_000, (durable - written) / 1_000_000,
                (completed - durable) / 1_000_000);
        return true;
    }

    /** Flushes given up because another owner claimed their partition; null when none is waiting. */
    PendingFlush pollTakenOver() {
        return takenOver.poll();
    }

    /** Completed flushes, oldest first; null when none is waiting. */
    PendingFlush pollCompleted() {
        return completed.poll();
    }

    private boolean writeAll(PendingFlush flush, List<Partial> partials, Map<PartialId, DeadLetter> refused) {
        for (int from = 0; from < partials.size(); from += WRITE_BATCH) {
            if (!write(flush, partials.subList(from, Math.min(partials.size(), from + WRITE_BATCH)), refused)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes a batch, retrying while the store is unavailable. When the store refuses the batch's
     * content, the batch is halved until the refused partials stand alone; one refused
     * {@link #REFUSALS_BEFORE_DEAD_LETTER} times goes to {@code refused} (and later to the
     * dead-letter topic) so that it cannot hold up the rest. Only the content decides what is
     * refused, so a replay of the flush sets aside the same partials. False only when closed.
     */
    private boolean write(PendingFlush flush, List<Partial> batch, Map<PartialId, DeadLetter> refused) {
        String what = "write " + batch.size() + " partials of " + flush.intent().origin();
        if (batch.size() > 1) {
            try {
                return retry(what, () -> store.write(batch));
            } catch (ContentRefusedException e) {
                health.storeFailure();
                int half = batch.size() / 2;
                return write(flush, batch.subList(0, half), refused) && write(flush, batch.subList(half, batch.size()), refused);
            }
        }
        RetryPolicy<Object> refusals = retries.refusals(REFUSALS_BEFORE_DEAD_LETTER, () -> closed, health::storeFailure);
        try {
            return Failsafe.with(refusals).get(() -> retry(what, () -> store.write(batch)));
        } catch (ContentRefusedException e) {
            if (closed) {
                return false;
            }
            Partial partial = batch.get(0);
            LOG.warn("the store refused partial {} {} times: {}; it goes to the dead-letter topic and the rest"
                    + " of the flush goes on", DeadLetter.identity(partial.id()), REFUSALS_BEFORE_DEAD_LETTER, e.getMessage());
            refused.put(partial.id(), DeadLetter.ofPartial(flush.partition(), partial.id(),
                    "store refused the partial: " + e.getMessage(), e.content().isEmpty() ? partial.toString() : e.content()));
            health.partialRefused();
            return true;
        } catch (FailsafeException e) {
            return interrupted(e);
        }
    }

    private boolean awaitDurable(PendingFlush flush, Map<PartialId, DeadLetter> refused) {
        List<Partial> partials = stored(flush, refused);
        while (!closed && !partials.isEmpty()) {
            // each look asks only for what the looks before it did not confirm
            AtomicReference<List<Partial>> unconfirmed = new AtomicReference<>(partials);
            RetryPolicy<Boolean> readBack = CommitRetries.untilReadable(flush.intent().origin().toString(), DURABLE_WITHIN,
                    () -> closed);
            try {
                if (Failsafe.with(readBack).get(() -> unconfirmed.updateAndGet(durability::unconfirmed).isEmpty())) {
                    return true;
                }
            } catch (FailsafeException e) {
                return interrupted(e);
            } catch (RuntimeException e) {
                LOG.debug("durability check of {} failed: {}", flush.intent().origin(), e.toString());
            }
            if (closed) {
                return false;
            }
            // Not readable back in time: the store may have lost what it acknowledged. Rewriting
            // the same values at the same points is safe, so write what is still unconfirmed again
            // and look again.
            LOG.warn("{} of the {} partials of {} not readable back within {}: writing them again",
                    unconfirmed.get().size(), partials.size(), flush.intent().origin(), DURABLE_WITHIN);
            health.readBackRewrite();
            if (!writeAll(flush, unconfirmed.get(), refused)) {
                return false;
            }
            partials = stored(unconfirmed.get(), refused);
        }
        return !closed;
    }

    /** The flush's partials but those the store refused. */
    private static List<Partial> stored(PendingFlush flush, Map<PartialId, DeadLetter> refused) {
        return stored(flush.flush().partials(), refused);
    }

    private static List<Partial> stored(List<Partial> partials, Map<PartialId, DeadLetter> refused) {
        if (refused.isEmpty()) {
            return partials;
        }
        List<Partial> kept = new ArrayList<>(partials.size());
        for (Partial p : partials) {
            if (!refused.containsKey(p.id())) {
                kept.add(p);
            }
        }
        return kept;
    }

    /**
     * Runs {@code action} until it succeeds (true) or the committer closes (false); a refusal of
     * content and a taken-over stream are thrown.
     */
    private boolean retry(String what, Runnable action) {
        try {
            Failsafe.with(retries.untilStopped(what, () -> closed, health::storeFailure)).run(action::run);
            return true;
        } catch (ContentRefusedException | StreamTakenOverException e) {
            throw e;
        } catch (FailsafeException e) {
            return interrupted(e);
        } catch (RuntimeException e) {
            if (closed) {
                return false; // given up because the committer closed
            }
            throw e;
        }
    }

    /** A wait between tries was interrupted (the committer's threads are stopped): the committer is closing. */
    private boolean interrupted(FailsafeException e) {
        if (!(e.getCause() instanceof InterruptedException)) {
            throw e;
        }
        Thread.currentThread().interrupt();
        closed = true;
        return false;
    }

    @Override
    public void close() {
        closed = true;
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
