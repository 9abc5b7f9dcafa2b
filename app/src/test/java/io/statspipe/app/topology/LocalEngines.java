package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.domain.RuleSet;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The engines a topology test runs against, started once per test class on 127.0.0.1: a KRaft
 * broker with statspipe's topics, a KairosDB on H2, and the topology on a LocalCluster. Closed
 * in the reverse order; whatever started before a failure is closed too. A test class holds it in
 * an {@code @AutoClose} static field.
 */
record LocalEngines(StoreEngines stores, TopologySettings settings, LocalTopologyRunner topology)
        implements AutoCloseable {

    /** Starts the engines in {@code dir}; {@code tune} adjusts the topology's settings from the defaults. */
    static LocalEngines start(Path dir, int partitions, UnaryOperator<TopologySettings> tune,
                              TopologyPlugs.Factory<RuleSet> rules) throws Exception {
        StoreEngines stores = StoreEngines.onH2(dir);
        try {
            TopicLayout.of(partitions, 1).ensureExists(stores.bootstrapServers());
            TopologySettings settings = tune.apply(TopologySettings.defaults(stores.bootstrapServers()));
            LocalTopologyRunner topology = LocalTopologyRunner.start(settings,
                    KairosTopologyPlugs.of(stores.kairos().httpUrl(), rules), dir.resolve("storm"));
            return new LocalEngines(stores, settings, topology);
        } catch (Exception | Error e) {
            stores.close();
            throw e;
        }
    }

    LocalKafkaBroker broker() {
        return stores.broker();
    }

    LocalKairosDb kairos() {
        return stores.kairos();
    }

    @Override
    public void close() throws Exception {
        topology.close();
        stores.close();
    }
}
