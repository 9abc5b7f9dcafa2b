package io.statspipe.app.topology;

import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.storm.DurabilityCheck;
import io.statspipe.domain.Partial;
import java.util.List;

/**
 * The topology's durability check on KairosDB: a flush is durable once every one of its points,
 * of every kind and resolution, reads back with its value ({@link KairosAggregateStore#holds}).
 */
final class KairosReadBack implements DurabilityCheck {
    private final KairosAggregateStore store;

    KairosReadBack(KairosStoreConfig config) {
        this.store = new KairosAggregateStore(config);
    }

    @Override
    public boolean holds(List<Partial> partials) {
        return store.holds(partials);
    }
}
