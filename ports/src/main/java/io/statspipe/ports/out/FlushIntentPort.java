package io.statspipe.ports.out;

import java.util.Optional;

/**
 * Durable flush intents, one stream (Kafka partition) at a time. For each stream it keeps the
 * newest intent and whether it completed.
 *
 * <p>A stream has one writer: an owner {@linkplain #claim claims} it before reading its newest
 * intent, and from then on an earlier owner's {@link #begin} and {@link #complete} fail with
 * {@link StreamTakenOverException}. So a task that stopped answering while its partitions moved
 * elsewhere (a "zombie") cannot cut a flush over a range another owner counts too.
 */
public interface FlushIntentPort {

    /**
     * Makes this owner the stream's only writer, fencing every owner that claimed it before (an
     * intent such an owner had begun but not yet recorded is discarded). Call it before
     * {@link #latest} when taking a stream over. Durable when it returns.
     */
    void claim(String stream);

    /**
     * Records {@code intent} as the stream's newest, not yet completed. Durable when it returns.
     *
     * @throws StreamTakenOverException when another owner claimed the stream since this one did
     */
    void begin(FlushIntent intent);

    /**
     * Marks the stream's newest intent completed: all its partials are written. Durable when it returns.
     *
     * @throws StreamTakenOverException when another owner claimed the stream since this one did
     */
    void complete(FlushIntent intent);

    /** The stream's newest intent and whether it completed, if the stream ever flushed. */
    Optional<IntentState> latest(String stream);

    record IntentState(FlushIntent intent, boolean completed) {
    }
}
