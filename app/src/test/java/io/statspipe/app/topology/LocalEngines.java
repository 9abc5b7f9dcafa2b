package io.statspipe.app.topology;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.ports.testkit.EngineExtension;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The engines a topology test runs against, started once per test class on 127.0.0.1 (see
 * {@link EngineExtension}): a KRaft broker with statspipe's topics, a KairosDB on H2, and the
 * topology on a LocalCluster. The topology needs the other two, so the three start and stop
 * together: closed in the reverse order, and whatever started before a failure is closed too.
 */
final class LocalEngines extends EngineExtension<LocalEngines.Running> {

    /** {@code tune} adjusts the topology's settings from the defaults. */
    LocalEngines(int partitions, UnaryOperator<TopologySettings> tune, TopologyPlugs.Factory<RuleSet> rules) {
        super("topology", folder -> Running.start(folder, partitions, tune, rules));
    }

    LocalKafkaBroker broker() {
        return engine().broker();
    }

    LocalKairosDb kairos() {
        return engine().store().kairos();
    }

    TopologySettings settings() {
        return engine().settings();
    }

    LocalTopologyRunner topology() {
        return engine().topology();
    }

    record Running(LocalKafkaBroker broker, KairosDbExtension.Server store, TopologySettings settings,
                   LocalTopologyRunner topology) implements AutoCloseable {

        static Running start(Path folder, int partitions, UnaryOperator<TopologySettings> tune,
                             TopologyPlugs.Factory<RuleSet> rules) throws Exception {
            LocalKafkaBroker broker = new LocalKafkaBroker(folder.resolve("kafka")).start();
            KairosDbExtension.Server store = null;
            try {
                store = KairosDbExtension.Server.onH2(folder);
                Topics.ensure(broker.bootstrapServers(), partitions);
                TopologySettings settings = tune.apply(TopologySettings.defaults(broker.bootstrapServers()));
                LocalTopologyRunner topology = LocalTopologyRunner.start(settings,
                        KairosTopologyPlugs.of(store.kairos().httpUrl(), rules), folder.resolve("storm"));
                return new Running(broker, store, settings, topology);
            } catch (Exception | Error e) {
                if (store != null) {
                    store.close();
                }
                broker.close();
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            topology.close();
            store.close();
            broker.close();
        }
    }
}
