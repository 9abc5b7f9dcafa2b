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
 */
public final class ProducerSequences {
    private final Map<String, Long> highest;

    public ProducerSequences() {
        this(Map.of());
    }

    public ProducerSequences(Map<String, Long> snapshot) {
        this.highest = new HashMap<>(snapshot);
    }

    /** True the first time a batch is seen (and remembers it); false for a duplicate. */
    public boolean firstTime(BatchId id) {
        Long seen = highest.get(id.producer());
        if (seen != null && id.sequence() <= seen) {
            return false;
        }
        highest.put(id.producer(), id.sequence());
        return true;
    }

    /** The highest sequence seen per producer, sorted by producer. */
    public Map<String, Long> snapshot() {
        return Collections.unmodifiableMap(new TreeMap<>(highest));
    }
}
