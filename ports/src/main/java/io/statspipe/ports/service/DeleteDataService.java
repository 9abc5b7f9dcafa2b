package io.statspipe.ports.service;

import io.statspipe.ports.in.DataSelection;
import io.statspipe.ports.in.DeleteDataUseCase;
import io.statspipe.ports.out.DeletePointsPort;
import io.statspipe.ports.out.StoredPointCount;
import java.util.ArrayList;
import java.util.List;

/** Deletes from every store the pipeline writes, in order; a plan is the stores' counts. */
public final class DeleteDataService implements DeleteDataUseCase {
    private final List<DeletePointsPort> stores;

    public DeleteDataService(List<DeletePointsPort> stores) {
        this.stores = List.copyOf(stores);
    }

    @Override
    public List<StoredPointCount> plan(DataSelection selection) {
        List<StoredPointCount> counts = new ArrayList<>();
        stores.forEach(store -> counts.addAll(store.count(selection)));
        return counts;
    }

    @Override
    public List<StoredPointCount> delete(DataSelection selection) {
        List<StoredPointCount> counts = new ArrayList<>();
        for (DeletePointsPort store : stores) {
            counts.addAll(store.count(selection));
            store.delete(selection);
        }
        return counts;
    }
}
