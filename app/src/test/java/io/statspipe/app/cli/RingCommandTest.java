package io.statspipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.ring.zookeeper.LocalZooKeeper;
import io.statspipe.adapter.ring.zookeeper.ZooKeeperRingRegistry;
import io.statspipe.domain.ring.RingMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code statspipe ring status|join|leave} against a real ZooKeeper holding a ring's registrations. */
class RingCommandTest {
    @RegisterExtension
    static final LocalZooKeeper ZOOKEEPER = new LocalZooKeeper();

    private final String cluster = "ring-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ZooKeeperRingRegistry> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(ZooKeeperRingRegistry::close);
    }

    /** A Cassandra node as the registry sees it: its own session, its own ephemeral registration. */
    private void node(String id, String address) {
        ZooKeeperRingRegistry own = ZooKeeperRingRegistry.connect(ZOOKEEPER.connectString(), cluster, Duration.ofSeconds(10));
        own.register(new RingMember(id, address, "dc1", "r1", 7000, 9042, 0));
        nodes.add(own);
    }

    private void kairosHost(String id, String address) {
        ZooKeeperRingRegistry own = ZooKeeperRingRegistry.connect(ZOOKEEPER.connectString(), cluster, Duration.ofSeconds(10));
        own.registerKairosHost(id, address);
        nodes.add(own);
    }

    private CommandLineRun ring(String... args) {
        List<String> all = new ArrayList<>(List.of("ring"));
        all.addAll(List.of(args));
        all.addAll(List.of("--zookeeper", ZOOKEEPER.connectString(), "--cluster", cluster));
        return CommandLineRun.of(all.toArray(String[]::new));
    }

    @Test
    void statusShowsMembersOldestFirstTheirSeedsAndWhatEachFirewallAdmits() {
        node("cass1", "10.0.0.1");
        node("cass2", "10.0.0.2");
        node("cass3", "10.0.0.3");
        node("cass4", "10.0.0.4");
        kairosHost("kairos1", "10.0.5.1");

        CommandLineRun r = ring("status");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("ring '" + cluster + "': 4 live members, 2 seeds, 1 KairosDB host")
                .containsSubsequence("cass1", "cass2", "cass3", "cass4")
                .contains("KairosDB hosts: 10.0.5.1")
                .contains("firewall of cass4: internode 7000 from [10.0.0.1, 10.0.0.2, 10.0.0.3]; client 9042 from [10.0.5.1]; nothing else");
        assertThat(r.out().lines().filter(line -> line.endsWith("  seed")).map(String::strip).map(l -> l.split(" ")[0]))
                .containsExactly("cass1", "cass2");
    }

    @Test
    void statusSaysWhenTheRingIsBelowTheReplicationFactor() {
        node("cass1", "10.0.0.1");
        node("cass2", "10.0.0.2");

        CommandLineRun r = ring("status");

        assertThat(r.exit()).isEqualTo(RingCommand.REFUSED);
        assertThat(r.out()).contains("disagrees: 2 live members, below the keyspace's replication factor 3");
    }

    @Test
    void leaveIsRefusedBelowTheReplicationFactorWithTheReasonAndAllowedAbove() {
        node("cass1", "10.0.0.1");
        node("cass2", "10.0.0.2");
        node("cass3", "10.0.0.3");

        CommandLineRun refused = ring("leave", "--id", "cass3");
        assertThat(refused.exit()).isEqualTo(RingCommand.REFUSED);
        assertThat(refused.err()).contains("statspipe ring leave: refused: leaving would leave 2 members in datacenter dc1,"
                + " below the keyspace's replication factor 3");

        node("cass4", "10.0.0.4");
        CommandLineRun allowed = ring("leave", "--id", "cass1");

        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("cass1 (10.0.0.1) may leave", "nodetool decommission",
                "seeds after it leaves: cass2, cass3");
    }

    @Test
    void leavingTheLastSeedIsRefused() {
        node("cass1", "10.0.0.1");

        CommandLineRun r = ring("leave", "--id", "cass1", "--replication-factor", "1");

        assertThat(r.exit()).isEqualTo(RingCommand.REFUSED);
        assertThat(r.err()).contains("refused: 'cass1' is the last seed of datacenter dc1");
    }

    @Test
    void joinRefusesAnAddressAlreadyRegisteredAndPrintsTheSeedProviderOtherwise() {
        node("cass1", "10.0.0.1");

        CommandLineRun refused = ring("join", "--id", "cass9", "--address", "10.0.0.1");
        assertThat(refused.exit()).isEqualTo(RingCommand.REFUSED);
        assertThat(refused.err()).contains("refused: address 10.0.0.1 is already registered by member 'cass1'");

        CommandLineRun asSeed = ring("join", "--id", "cass2", "--address", "10.0.0.2", "--dc", "dc1", "--rack", "r2");
        assertThat(asSeed.exit()).isEqualTo(RingCommand.REFUSED);
        assertThat(asSeed.err()).contains("refused: 'cass2' would start as a seed of datacenter dc1");

        CommandLineRun allowed = ring("join", "--id", "cass2", "--address", "10.0.0.2", "--dc", "dc1", "--rack", "r2",
                "--new-ring");
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("class_name: io.statspipe.adapter.ring.cassandra.RegistrySeedProvider",
                "node-id: \"cass2\"", "rack: \"r2\"", "cluster: \"" + cluster + "\"");
    }

    @Test
    void aBadAddressIsNamed() {
        CommandLineRun r = ring("join", "--id", "cass2", "--address", "cass2.internal");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("address 'cass2.internal' is not an IPv4 or IPv6 address literal");
    }

    @Test
    void aZooKeeperThatDoesNotAnswerIsAConfigurationErrorNamingTheOption() {
        CommandLineRun r = CommandLineRun.of("ring", "status", "--zookeeper", "127.0.0.1:1", "--timeout", "PT0.5S");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("statspipe: configuration error: --zookeeper '127.0.0.1:1'", "did not answer within 500 ms");
    }

    @Test
    void theFirewallOfAMemberThatIsNotRegisteredIsLeftAsItIs() {
        node("cass1", "10.0.0.1");

        CommandLineRun r = ring("firewall", "--member", "cass9", "--once", "--nft", "nft-is-never-called");

        assertThat(r.exit()).isEqualTo(RingCommand.REFUSED);
        assertThat(r.err()).contains("statspipe ring firewall: member 'cass9' is not registered in the ring: its firewall is left as it is");
    }

    @Test
    void aKairosDbHostHeldByJoinIsAdmittedWhileTheCommandRunsAndGoneWhenItStops() throws Exception {
        node("cass1", "10.0.0.1");
        Thread held = new Thread(() -> ring("join", "--kairosdb", "--id", "kairos1", "--address", "10.0.5.1", "--hold"));
        held.start();
        ZooKeeperRingRegistry reader = ZooKeeperRingRegistry.connect(ZOOKEEPER.connectString(), cluster, Duration.ofSeconds(10));
        nodes.add(reader);

        await("the held registration is listed").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(reader.kairosHosts()).containsExactly("10.0.5.1"));
        assertThat(ring("status").out()).contains("client 9042 from [10.0.5.1]");

        held.interrupt();
        held.join(Duration.ofSeconds(20).toMillis());

        assertThat(held.isAlive()).isFalse();
        assertThat(reader.kairosHosts()).isEmpty();
    }

    @Test
    void statusSaysWhenThereAreAsManySeedsAsReplicas() {
        node("cass1", "10.0.0.1");
        node("cass2", "10.0.0.2");
        node("cass3", "10.0.0.3");

        CommandLineRun r = ring("status", "--seeds-per-datacenter", "3");

        assertThat(r.exit()).isEqualTo(RingCommand.REFUSED);
        assertThat(r.out()).contains("disagrees: 3 seeds per datacenter is not below the replication factor 3");
        assertThat(ring("status").exit()).as("with the default two").isZero();
    }
}
