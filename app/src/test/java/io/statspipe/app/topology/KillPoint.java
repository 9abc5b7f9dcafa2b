package io.statspipe.app.topology;

import java.util.Arrays;
import java.util.Locale;

/**
 * A chosen moment of the flush protocol (begin intent, write partials, read back, dead letters,
 * complete intent, ack) at which {@link HaltingPlugs} halts the topology's JVM, as seen from the
 * plugs the topology is handed: the store and the durability check.
 */
enum KillPoint {
    /** At the start of a flush's first write: its intent is begun, nothing of it is written. */
    AFTER_BEGIN,
    /** In a flush's first write, after half of that batch went through the real store. */
    MID_WRITE,
    /** When the durability check first answers true: every partial durable, the intent not completed. */
    AFTER_WRITE,
    /**
     * At the first write of a partition's next flush after one of its flushes was durable in this
     * JVM: that flush's intent is completed and its tuples acked on the bolt's thread (a partition
     * has one flush in flight, and the next is cut only once the bolt took the completed one
     * back), the spout's commit of their offsets to Kafka may still be pending, and the next
     * flush's intent is begun.
     */
    AFTER_COMPLETE;

    /** As written in the child's arguments and log: {@code after-write}. */
    String argName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static KillPoint named(String argName) {
        return Arrays.stream(values()).filter(p -> p.argName().equals(argName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kill point '" + argName + "' is none of "
                        + Arrays.stream(values()).map(KillPoint::argName).toList()));
    }
}
