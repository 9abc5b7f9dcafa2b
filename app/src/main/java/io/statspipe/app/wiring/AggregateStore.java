package io.statspipe.app.wiring;

import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.app.topology.KairosTopologyPlugs;
import io.statspipe.domain.RuleSet;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.ports.out.WritePartialsPort;

/** The new aggregate store's engine (KairosDB), local or external. */
public interface AggregateStore extends Engine {

    /** KairosDB's base URL. */
    String url();

    /** How a topology worker builds its own writer for {@code rules} (Storm serializes it into the worker). */
    TopologyPlugs.Factory<WritePartialsPort> writerFactory(TopologyPlugs.Factory<RuleSet> rules);

    /**
     * How a topology worker tells that a flush's points are durable: KairosDB acknowledges a
     * write once the points are in its ingest queue, so the worker reads them back.
     */
    default TopologyPlugs.Factory<DurabilityCheck> durabilityFactory(TopologyPlugs.Factory<RuleSet> rules) {
        String url = url();
        return () -> KairosTopologyPlugs.readBackAt(url, rules.get());
    }
}
