package io.statspipe.domain;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recognises batches seen before, for one input stream (one Kafka partition): every producer
 * sends its batches into a stream in increasing sequence order, so a batch whose sequence is
 * not above the highest one seen from its producer is a duplicate (a resend after a retry or a
 * producer crash). The state is one number per producer; its snapshot travels with each flush
 * intent so that a replay makes the same decisions.
 *
 * <p>A producer re-sends at most its last {@link #REPLAY_WINDOW} batches (the agent's forwarder
 * sends a window of that many and forgets it only once Kafka acknowledged all of it), so a
 * duplicate further below the highest sequence is no re-send: the producer's sequence went
 * backwards (a spool that lost its acknowledged position, or a copy of it on another host), and
 * the batch, dropped all the same, is {@link Verdict#BEHIND} so that someone hears of it.
 */
public final class ProducerSequences {
    /** How many batches a producer may have sent and not yet seen acknowledged: how far back a re-send reaches. */
    public static final int REPLAY_WINDOW = 512;

    /** What a batch is to the stream. */
    public enum Verdict {
        /** Above the producer's highest sequence: count it. */
        FIRST_TIME,
        /** A re-send within the replay window: drop it, as expected. */
        RESENT,
        /** At least {@link #REPLAY_WINDOW} below the highest sequence: drop it, and tell. */
        BEHIND
    }

    private final Map<String, Long> highest;

    public ProducerSequences() {
        this(Map.of());
    }

    public ProducerSequences(Map<String, Long> snapshot) {
        this.highest = new HashMap<>(snapshot);
    }

    /** True the first time a batch is seen (and remembers it); false for a duplicate. */
    public boolean firstTime(BatchId id) {
        return admit(id) == Verdict.FIRST_TIME;
    }

    /** Whether the batch is new (then remembered), a re-send, or behind its producer's sequences. */
    public Verdict admit(BatchId id) {
        Long seen = highest.get(id.producer());
        if (seen == null || id.sequence() > seen) {
            highest.put(id.producer(), id.sequence());
            return Verdict.FIRST_TIME;
        }
        return seen - id.sequence() < REPLAY_WINDOW ? Verdict.RESENT : Verdict.BEHIND;
    }

    /** The highest sequence seen from {@code producer}, -1 when none. */
    public long highest(String producer) {
        return highest.getOrDefault(producer, -1L);
    }

    /** The highest sequence seen per producer, sorted by producer. */
    public Map<String, Long> snapshot() {
        return Collections.unmodifiableMap(new TreeMap<>(highest));
    }
}
