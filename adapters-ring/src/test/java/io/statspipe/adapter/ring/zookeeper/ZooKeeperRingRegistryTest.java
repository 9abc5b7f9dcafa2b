package io.statspipe.adapter.ring.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.ring.cassandra.RegistrySeedProvider;
import io.statspipe.domain.ring.RingMember;
import io.statspipe.domain.ring.SeedChoice;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.ring.RingMembershipPort.Registration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.cassandra.locator.InetAddressAndPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry and the seed provider against a real ZooKeeper server. Each simulated Cassandra
 * node has its own registry, so its own ZooKeeper session: closing it ends the session, which is
 * what ZooKeeper sees of a node that dies (after the session timeout).
 */
class ZooKeeperRingRegistryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    static final LocalZooKeeper ZOOKEEPER = new LocalZooKeeper();

    private final String cluster = "ring-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ZooKeeperRingRegistry> sessions = new ArrayList<>();

    @AfterEach
    void closeSessions() {
        sessions.forEach(ZooKeeperRingRegistry::close);
    }

    private ZooKeeperRingRegistry session() {
        ZooKeeperRingRegistry registry = ZooKeeperRingRegistry.connect(ZOOKEEPER.connectString(), cluster, TIMEOUT);
        sessions.add(registry);
        return registry;
    }

    /** A node that registers itself in its own session, as RegistrySeedProvider does inside Cassandra. */
    private ZooKeeperRingRegistry node(String id, String address, String rack) {
        ZooKeeperRingRegistry own = session();
        own.register(new RingMember(id, address, "dc1", rack, 7000, 9042, 0));
        return own;
    }

    private static List<String> addresses(List<InetAddressAndPort> seeds) {
        return seeds.stream().map(seed -> seed.getHostAddress(false) + ":" + seed.getPort()).toList();
    }

    @Test
    void membersAreListedWithWhereTheyListenInTheOrderTheyJoined() {
        node("cass2", "10.0.0.2", "r1");
        node("cass1", "10.0.0.1", "r1");
        node("cass3", "10.0.0.3", "r2");

        List<RingMember> members = session().members();

        assertThat(members).extracting(RingMember::id).containsExactly("cass2", "cass1", "cass3");
        assertThat(members.get(2)).isEqualTo(new RingMember("cass3", "10.0.0.3", "dc1", "r2", 7000, 9042,
                members.get(2).joinSequence()));
        assertThat(members.get(0).joinSequence()).isLessThan(members.get(1).joinSequence());
        assertThat(members.get(1).joinSequence()).isLessThan(members.get(2).joinSequence());
    }

    @Test
    void theSeedProviderNamesTheOldestLiveMembersAndANewMemberDoesNotChangeThem() {
        node("cass1", "10.0.0.1", "r1");
        node("cass2", "10.0.0.2", "r1");
        node("cass3", "10.0.0.3", "r1");
        RegistrySeedProvider provider = new RegistrySeedProvider(session(), new SeedChoice(3));
        assertThat(addresses(provider.getSeeds())).containsExactly("10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000");

        node("cass4", "10.0.0.4", "r1");

        assertThat(addresses(provider.getSeeds())).containsExactly("10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000");
    }

    @Test
    void aDeadSeedIsReplacedByTheNextOldestLiveMemberWithoutARestartOfTheProvider() {
        node("cass1", "10.0.0.1", "r1");
        ZooKeeperRingRegistry cass2 = node("cass2", "10.0.0.2", "r1");
        node("cass3", "10.0.0.3", "r1");
        node("cass4", "10.0.0.4", "r1");
        RegistrySeedProvider provider = new RegistrySeedProvider(session(), new SeedChoice(3));

        cass2.close();

        await("cass2's session ends and cass4 becomes a seed").atMost(TIMEOUT).untilAsserted(() ->
                assertThat(addresses(provider.getSeeds()))
                        .containsExactly("10.0.0.1:7000", "10.0.0.3:7000", "10.0.0.4:7000"));
    }

    @Test
    void closingARegistrationRemovesTheMemberAtOnce() {
        ZooKeeperRingRegistry own = session();
        Registration registration = own.register(new RingMember("cass1", "10.0.0.1", "dc1", "r1", 7000, 9042, 0));
        ZooKeeperRingRegistry reader = session();
        assertThat(reader.members()).extracting(RingMember::id).containsExactly("cass1");

        registration.close();

        assertThat(reader.members()).isEmpty();
    }

    @Test
    void kairosDbHostsAreListedApartFromMembers() {
        session().registerKairosHost("kairos1", "10.0.5.1");
        session().registerKairosHost("kairos2", "10.0.5.2");
        node("cass1", "10.0.0.1", "r1");

        ZooKeeperRingRegistry reader = session();

        assertThat(reader.kairosHosts()).containsExactly("10.0.5.1", "10.0.5.2");
        assertThat(reader.members()).extracting(RingMember::id).containsExactly("cass1");
    }

    @Test
    void aRingWithNoLiveMemberHasNoSeedToStartFromAndSaysSo() {
        RegistrySeedProvider provider = new RegistrySeedProvider(session(), new SeedChoice(3));

        assertThatThrownBy(provider::getSeeds)
                .hasMessage("the ring's registry lists no live member: no seed to start from");
    }

    @Test
    void theProviderKeepsTheSeedsItReadLastWhenTheRingLooksEmpty() {
        ZooKeeperRingRegistry cass1 = node("cass1", "10.0.0.1", "r1");
        RegistrySeedProvider provider = new RegistrySeedProvider(session(), new SeedChoice(3));
        assertThat(addresses(provider.getSeeds())).containsExactly("10.0.0.1:7000");

        cass1.close();

        assertThat(session().members()).isEmpty();
        assertThat(addresses(provider.getSeeds())).containsExactly("10.0.0.1:7000");
    }

    @Test
    void anEnsembleThatDoesNotAnswerIsNamed() {
        assertThatThrownBy(() -> ZooKeeperRingRegistry.connect("127.0.0.1:1", cluster, Duration.ofMillis(500)))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessage("ZooKeeper at '127.0.0.1:1' did not answer within 500 ms");
    }

    @Test
    void namesThatWouldNotBeOneZnodeAreRefused() {
        assertThatThrownBy(() -> session().registerKairosHost("a/b", "10.0.5.1"))
                .hasMessage("KairosDB host id 'a/b' must be 1 to 63 letters, digits, _ . - (starting with a letter or digit)");
        assertThatThrownBy(() -> ZooKeeperRingRegistry.connect(ZOOKEEPER.connectString(), "../x", TIMEOUT))
                .hasMessageContaining("ring cluster name '../x' must be");
    }
}
