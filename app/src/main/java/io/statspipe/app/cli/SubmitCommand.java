package io.statspipe.app.cli;

import io.statspipe.adapter.storm.ClusterSubmission;
import io.statspipe.app.config.Engines;
import io.statspipe.app.config.Settings;
import io.statspipe.app.wiring.AggregateStore;
import io.statspipe.app.wiring.EngineModules;
import io.statspipe.app.wiring.EventLog;
import io.statspipe.app.wiring.LegacyStore;
import io.statspipe.app.wiring.TopologyWiring;
import com.google.inject.Injector;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code statspipe submit}: the same topology, submitted to a Storm cluster with StormSubmitter. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit the counting topology to a Storm cluster (StormSubmitter), reading the external Kafka "
                + "(statspipe.event-log.engine = kafka) and writing the external KairosDB (statspipe.store.engine = kairosdb).",
                "Run it with the topology jar (./mvnw -B -q -pl app -am package -DskipTests -Ptopology-jar): "
                        + "STATSPIPE_JAVA_OPTS='-Dstorm.jar=app/target/app-0.1.0-SNAPSHOT-topology.jar "
                        + "-Dstorm.options=nimbus.seeds=[\"127.0.0.1\"]' ./statspipe submit --config cluster.conf",
                "The topology asks for statspipe.topology.workers worker JVMs.",
                "See docs/CLUSTER.md."})
public final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = config.settings();
        if (settings.eventLog().engine() != Engines.EventLog.KAFKA || settings.store().engine() != Engines.Store.KAIROSDB) {
            err.println("statspipe submit: a cluster topology needs external engines: set statspipe.event-log.engine = kafka"
                    + " (now " + settings.eventLog().engine().configName() + ") and statspipe.store.engine = kairosdb (now "
                    + settings.store().engine().configName() + ")");
            return 2;
        }
        // StormSubmitter uploads the jar named by storm.jar; without it, it fails with advice about
        // Storm's own launcher script, which statspipe does not use.
        String jar = System.getProperty("storm.jar");
        if (jar == null || jar.isBlank() || !Files.isRegularFile(Path.of(jar))) {
            err.println("statspipe submit: storm.jar = '" + (jar == null ? "" : jar) + "': no topology jar there; build it"
                    + " with ./mvnw -B -q -pl app -am package -DskipTests -Ptopology-jar and pass"
                    + " -Dstorm.jar=app/target/app-0.1.0-SNAPSHOT-topology.jar in STATSPIPE_JAVA_OPTS");
            return 2;
        }
        Injector injector = EngineModules.injector(settings);
        EventLog eventLog = injector.getInstance(EventLog.class);
        eventLog.start();
        AggregateStore store = injector.getInstance(AggregateStore.class);
        store.start();
        LegacyStore legacy = injector.getInstance(LegacyStore.class);
        ClusterSubmission.submit(TopologyWiring.settings(settings, eventLog.bootstrapServers()),
                TopologyWiring.plugs(settings, store, legacy));
        out.printf("statspipe submit: topology %s submitted, reading %s, writing %s%n", settings.topology().name(),
                eventLog.bootstrapServers(), store.url());
        return 0;
    }
}
