package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Partial;
import io.statspipe.ports.out.DurabilityCheck;
import java.util.List;

/**
 * The topology's durability check on KairosDB: a flush is durable once every one of its points,
 * of every kind and resolution, reads back with its value ({@link KairosAggregateStore#holds}).
 */
public final class KairosReadBack implements DurabilityCheck {
    private final KairosAggregateStore store;

    public KairosReadBack(KairosStoreConfig config) {
        this.store = new KairosAggregateStore(config);
    }

    @Override
    public List<Partial> unconfirmed(List<Partial> partials) {
        return store.unconfirmed(partials);
    }
}
