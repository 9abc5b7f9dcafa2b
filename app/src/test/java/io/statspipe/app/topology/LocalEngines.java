package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
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
record LocalEngines(LocalKafkaBroker broker, LocalKairosDb kairos, TopologySettings settings,
                    LocalTopologyRunner topology) implements AutoCloseable {

    /** Starts the engines in {@code dir}; {@code tune} adjusts the topology's settings from the defaults. */
    static LocalEngines start(Path dir, int partitions, UnaryOperator<TopologySettings> tune,
                              TopologyPlugs.Factory<RuleSet> rules) throws Exception {
        LocalKafkaBroker broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
        LocalKairosDb kairos = null;
        try {
            Topics.ensure(broker.bootstrapServers(), partitions);
            kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).h2().build().start();
            TopologySettings settings = tune.apply(TopologySettings.defaults(broker.bootstrapServers()));
            LocalTopologyRunner topology = LocalTopologyRunner.start(settings,
                    KairosTopologyPlugs.of(kairos.httpUrl(), rules), dir.resolve("storm"));
            return new LocalEngines(broker, kairos, settings, topology);
        } catch (Exception | Error e) {
            if (kairos != null) {
                kairos.close();
            }
            broker.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        topology.close();
        kairos.close();
        broker.close();
    }
}
