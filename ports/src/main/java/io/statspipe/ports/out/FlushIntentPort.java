package io.statspipe.ports.out;

import java.util.Optional;

/**
 * Durable flush intents, one stream (Kafka partition) at a time. For each stream it keeps the
 * newest intent and whether it completed.
 */
public interface FlushIntentPort {

    /** Records {@code intent} as the stream's newest, not yet completed. Durable when it returns. */
    void begin(FlushIntent intent);

    /** Marks the stream's newest intent completed: all its partials are written. Durable when it returns. */
    void complete(FlushIntent intent);

    /** The stream's newest intent and whether it completed, if the stream ever flushed. */
    Optional<IntentState> latest(String stream);

    record IntentState(FlushIntent intent, boolean completed) {
    }
}
