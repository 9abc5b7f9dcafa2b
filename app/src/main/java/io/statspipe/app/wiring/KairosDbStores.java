package io.statspipe.app.wiring;

import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosMapping;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.domain.RuleSet;
import io.statspipe.ports.out.WritePartialsPort;

/** What the three KairosDB modules share: the adapter over KairosDB's HTTP API at one URL. */
final class KairosDbStores {
    private KairosDbStores() {
    }

    /** The store at {@code url}, finding each metric's buckets where {@code rules} write them. */
    static KairosAggregateStore at(String url, RuleSet rules) {
        return new KairosAggregateStore(KairosStoreConfig.of(url).withMapping(KairosMapping.forRules(rules)));
    }

    static TopologyPlugs.Factory<WritePartialsPort> writerAt(String url, TopologyPlugs.Factory<RuleSet> rules) {
        return () -> at(url, rules.get());
    }
}
