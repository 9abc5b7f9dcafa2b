package io.statspipe.ports.in;

import io.statspipe.ports.out.StoredPointCount;
import java.util.List;

/** Deleting a tenant's data points from every store that holds them. */
public interface DeleteDataUseCase {

    /** What {@link #delete} would remove, per store and stored series name; changes nothing. */
    List<StoredPointCount> plan(DataSelection selection);

    /** Removes the selected points from every store; answers what they held just before. */
    List<StoredPointCount> delete(DataSelection selection);
}
