package io.statspipe.app.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kairosdb.server.LocalCassandra;
import io.statspipe.adapter.ring.cassandra.GossiperSeeds;
import io.statspipe.adapter.ring.cassandra.SeedProviderClasspath;
import io.statspipe.adapter.ring.zookeeper.LocalZooKeeper;
import io.statspipe.adapter.ring.zookeeper.ZooKeeperRingRegistry;
import io.statspipe.app.cli.CommandLineRun;
import io.statspipe.domain.ring.RingMember;
import io.statspipe.ports.out.ring.RingMembershipPort.Registration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * statspipe's seed provider inside a real Cassandra 5.0 node (one node: the test's ZooKeeper holds
 * the others' registrations): the node registers itself when it starts, takes its seeds from the
 * registry, learns a new seed and forgets a dead one on {@code reloadSeeds} (what
 * {@code nodetool reloadseeds} and {@code statspipe ring reload-seeds} call) without a restart, and drops out of the registry when it stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistrySeedsOnCassandraTest {
    private static final String CLUSTER = "kairosdb";
    /** By name: loading it here would need Cassandra's classes, which only the node's JVM has. */
    private static final String SEED_PROVIDER = "io.statspipe.adapter.ring.cassandra.RegistrySeedProvider";

    @RegisterExtension
    static final LocalZooKeeper ZOOKEEPER = new LocalZooKeeper();

    @TempDir
    static Path dir;

    private static LocalCassandra cassandra;
    private static ZooKeeperRingRegistry registry;

    @BeforeAll
    static void startACassandraNodeWhoseSeedsComeFromTheRegistry() {
        registry = ZooKeeperRingRegistry.connect(ZOOKEEPER.connectString(), CLUSTER, Duration.ofSeconds(10));
        cassandra = new LocalCassandra(LocalCassandra.Config.in(dir.resolve("cassandra")))
                .seedProvider(SEED_PROVIDER, Map.of(
                        "zookeeper", ZOOKEEPER.connectString(), "cluster", CLUSTER, "node-id", "cass1",
                        "datacenter", "datacenter1", "rack", "rack1", "timeout-ms", "5000"), SeedProviderClasspath.entries())
                .start();
    }

    @AfterAll
    static void stop() {
        if (cassandra != null) {
            cassandra.stop();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void theNodeRegisteredItselfWithItsOwnAddressAndPorts() {
        List<RingMember> members = registry.members();

        assertThat(members).hasSize(1);
        RingMember cass1 = members.get(0);
        assertThat(cass1).isEqualTo(new RingMember("cass1", "127.0.0.1", "datacenter1", "rack1",
                cassandra.storagePort(), Integer.parseInt(cassandra.cqlHost().split(":")[1]), cass1.joinSequence()));
        assertThat(GossiperSeeds.current(jmx())).as("its only seed is itself, which the gossiper leaves out").isEmpty();
    }

    @Test
    @Order(2)
    void aNewSeedIsLearnedAndADeadOneForgottenWithoutARestart() {
        long pid = cassandra.pid();
        Registration cass2 = registry.register(new RingMember("cass2", "127.0.0.2", "datacenter1", "rack1", 7000, 9042, 0));

        assertThat(GossiperSeeds.reload(jmx())).containsExactly("/127.0.0.2:7000");

        try (Registration cass3 = registry.register(
                new RingMember("cass3", "127.0.0.3", "datacenter1", "rack1", 7000, 9042, 0))) {
            cass2.close();

            CommandLineRun reload = CommandLineRun.of("ring", "reload-seeds", "--jmx", jmx());

            assertThat(reload.exit()).as(reload.err()).isZero();
            assertThat(reload.out()).isEqualTo(jmx() + ": seeds /127.0.0.3:7000" + System.lineSeparator());
            assertThat(GossiperSeeds.current(jmx())).containsExactly("/127.0.0.3:7000");
            assertThat(cassandra.pid()).as("the same node, not restarted").isEqualTo(pid);
        }
    }

    @Test
    @Order(3)
    void aStoppedNodeDropsOutOfTheRegistry() {
        cassandra.stop();

        await("cass1's session ends with its JVM").atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(registry.members()).isEmpty());
    }

    private static String jmx() {
        return "127.0.0.1:" + cassandra.jmxPort();
    }
}
