package io.statspipe.app.wiring;

import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.ports.out.WritePartialsPort;

/** What the three KairosDB modules share: the adapter over KairosDB's HTTP API at one URL. */
final class KairosDbStores {
    private KairosDbStores() {
    }

    static KairosAggregateStore at(String url) {
        return new KairosAggregateStore(KairosStoreConfig.of(url));
    }

    static TopologyPlugs.Factory<WritePartialsPort> writerAt(String url) {
        return () -> at(url);
    }
}
