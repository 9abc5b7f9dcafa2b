package io.statspipe.ports.out;

import io.statspipe.domain.Partial;
import java.util.List;

/**
 * Tells which partials a store acknowledged are not yet durable, readable back with their
 * values. A flush intent is completed only once none is left: KairosDB acknowledges a write when
 * the points are in its ingest queue, before they reach the datastore, and a completed intent is
 * never replayed.
 */
@FunctionalInterface
public interface DurabilityCheck {

    /**
     * The partials of {@code partials} not confirmed readable with their values: empty once every
     * one is. A check may return more than the missing ones (a group it confirms only as a whole,
     * or partials it did not look at yet), never fewer; so asking again with what it returned,
     * until it returns nothing, confirms them all, and each time asks the store only for what is
     * still in doubt.
     *
     * @throws io.statspipe.ports.out.EngineUnavailableException when the store cannot answer now
     */
    List<Partial> unconfirmed(List<Partial> partials);

    /** For stores whose write returns only once the points are durable. */
    static DurabilityCheck writeIsDurable() {
        return partials -> List.of();
    }
}
