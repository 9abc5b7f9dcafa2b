package io.statspipe.ports.out;

import io.statspipe.domain.Partial;
import java.util.List;

/**
 * Tells whether partials a store acknowledged are durable, readable back with their values. A
 * flush intent is completed only once this holds: KairosDB acknowledges a write when the
 * points are in its ingest queue, before they reach the datastore, and a completed intent is
 * never replayed.
 */
@FunctionalInterface
public interface DurabilityCheck {

    /**
     * True when every partial can be read back from the store with its value.
     *
     * @throws io.statspipe.ports.out.EngineUnavailableException when the store cannot answer now
     */
    boolean holds(List<Partial> partials);

    /** For stores whose write returns only once the points are durable. */
    static DurabilityCheck writeIsDurable() {
        return partials -> true;
    }
}
