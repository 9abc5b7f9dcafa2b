package io.statspipe.ports.out;

import io.statspipe.ports.in.DataSelection;
import java.util.List;

/**
 * A store's deletion of a tenant's data points: every point of the selection's series (the
 * tenant's, of its metric or all metrics, every kind and resolution) in buckets starting in its
 * range, and nothing else.
 *
 * @throws EngineUnavailableException (from every method) when the store cannot be reached
 */
public interface DeletePointsPort {

    /** The points the selection covers, per stored name with any; changes nothing. */
    List<StoredPointCount> count(DataSelection selection);

    /** Deletes the points the selection covers. */
    void delete(DataSelection selection);
}
