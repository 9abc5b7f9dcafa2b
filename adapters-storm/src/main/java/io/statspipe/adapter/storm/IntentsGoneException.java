package io.statspipe.adapter.storm;

/**
 * A partition has no flush intent to resume from, but the spout's consumer group committed
 * offsets in it: the intents that counted those records are gone, and counting the log from its
 * start would count them twice. The task does not count the partition; the message says what to do.
 */
final class IntentsGoneException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    IntentsGoneException(String message) {
        super(message);
    }
}
