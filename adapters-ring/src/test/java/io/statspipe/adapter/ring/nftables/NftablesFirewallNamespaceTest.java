package io.statspipe.adapter.ring.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.ring.zookeeper.LocalZooKeeper;
import io.statspipe.adapter.ring.zookeeper.ZooKeeperRingRegistry;
import io.statspipe.domain.ring.Admission;
import io.statspipe.domain.ring.RingMember;
import io.statspipe.ports.service.RingFirewallService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The nftables adapter for real, in a private network namespace of the test's own: the member's
 * ports listen on one address of the namespace's loopback, and connections come from other
 * addresses of it (members, a KairosDB host, an outsider), so the kernel's input hook sees each
 * source. Needs root, iproute2 and nft: run by {@code scripts/ring-firewall-check.sh} (which
 * installs nftables when missing), not by the default build. Nothing outside the namespace is
 * touched; the namespace and the listener are removed at the end.
 */
class NftablesFirewallNamespaceTest {
    private static final String NAMESPACE = "statspipe-ring-" + ProcessHandle.current().pid();
    private static final String HOST = "10.77.0.1";
    private static final String PEER = "10.77.0.2";
    private static final String NEWCOMER = "10.77.0.3";
    private static final String KAIROS = "10.77.0.4";
    private static final String OUTSIDER = "10.77.0.9";

    private static final RingMember host = new RingMember("cass1", HOST, "dc1", "r1", 7000, 9042, 1);
    private static final RingMember peer = new RingMember("cass2", PEER, "dc1", "r1", 7000, 9042, 2);
    private static final RingMember newcomer = new RingMember("cass3", NEWCOMER, "dc1", "r1", 7000, 9042, 3);

    @RegisterExtension
    static final LocalZooKeeper ZOOKEEPER = new LocalZooKeeper();

    private static Process listener;
    private static final NftablesFirewall firewall = new NftablesFirewall(List.of("ip", "netns", "exec", NAMESPACE, "nft"));

    @BeforeAll
    static void namespaceWithTheMembersPortsListening() throws Exception {
        run("ip", "netns", "add", NAMESPACE);
        run("ip", "-n", NAMESPACE, "link", "set", "lo", "up");
        for (String address : List.of(HOST, PEER, NEWCOMER, KAIROS, OUTSIDER)) {
            run("ip", "-n", NAMESPACE, "addr", "add", address + "/32", "dev", "lo");
        }
        listener = new ProcessBuilder(probe("listen", HOST, "7000", "9042")).redirectErrorStream(true).start();
        String first = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(first).as("the probe listens inside the namespace").isEqualTo("listening");
        // before any rule everyone connects: every refusal below is the rules' doing
        assertThat(connects(OUTSIDER, 7000)).as("an outsider, with no rules yet").isTrue();
    }

    @AfterAll
    static void removeTheNamespace() throws Exception {
        if (listener != null) {
            listener.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        run("ip", "netns", "del", NAMESPACE);
    }

    @Test
    void membersReachTheInternodePortKairosDbTheClientPortAndNobodyElseEither() throws Exception {
        firewall.enforce(Admission.forMember(host, List.of(host, peer), Set.of(KAIROS)));

        assertThat(connects(PEER, 7000)).as("a member on the internode port").isTrue();
        assertThat(connects(KAIROS, 9042)).as("a KairosDB host on the client port").isTrue();
        assertThat(connects(OUTSIDER, 7000)).as("an outsider on the internode port").isFalse();
        assertThat(connects(OUTSIDER, 9042)).as("an outsider on the client port").isFalse();
        assertThat(connects(KAIROS, 7000)).as("a KairosDB host on the internode port").isFalse();
        assertThat(connects(PEER, 9042)).as("a member on the client port").isFalse();
    }

    @Test
    void aNewMemberIsAdmittedWhenTheMembershipIsEnforcedAgainAndTheRulesReadBack() throws Exception {
        firewall.enforce(Admission.forMember(host, List.of(host, peer), Set.of(KAIROS)));
        assertThat(connects(NEWCOMER, 7000)).as("before it joins").isFalse();

        Admission grown = Admission.forMember(host, List.of(host, peer, newcomer), Set.of(KAIROS));
        firewall.enforce(grown);

        assertThat(connects(NEWCOMER, 7000)).as("once it joined").isTrue();
        assertThat(connects(PEER, 7000)).as("the others stay admitted").isTrue();
        assertThat(firewall.enforced(host)).isEqualTo(grown);
        assertThat(grown.differencesFrom(firewall.enforced(host))).isEmpty();
        assertThat(firewall.enforced(host).ringPeers()).isEqualTo(new TreeSet<>(Set.of(PEER, NEWCOMER)));
    }

    @Test
    void theRulesFollowTheMembershipInZooKeeper() throws Exception {
        Duration timeout = Duration.ofSeconds(10);
        try (ZooKeeperRingRegistry registry = ZooKeeperRingRegistry.connect(ZOOKEEPER.connectString(), "ring", timeout);
             ZooKeeperRingRegistry newcomersOwn = ZooKeeperRingRegistry.connect(ZOOKEEPER.connectString(), "ring", timeout)) {
            registry.register(host);
            registry.register(peer);
            registry.registerKairosHost("kairos1", KAIROS);
            RingFirewallService service = new RingFirewallService(registry, firewall);
            service.keepInStep(host.id());
            assertThat(connects(PEER, 7000)).as("a registered member").isTrue();
            assertThat(connects(NEWCOMER, 7000)).as("a process outside the ring").isFalse();

            newcomersOwn.register(newcomer);
            assertThat(service.keepInStep(host.id()))
                    .containsExactly("cass1: " + NEWCOMER + " should be admitted to the internode port 7000 but is not");

            assertThat(connects(NEWCOMER, 7000)).as("the new member, once registered").isTrue();
            assertThat(connects(OUTSIDER, 7000)).as("an outsider still").isFalse();
            assertThat(connects(KAIROS, 9042)).as("the registered KairosDB host").isTrue();
        }
    }

    private static boolean connects(String source, int port) throws Exception {
        Process connect = new ProcessBuilder(probe("connect", source, HOST, Integer.toString(port)))
                .redirectErrorStream(true).start();
        connect.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return connect.waitFor() == 0;
    }

    private static List<String> probe(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", testClasses(),
                TcpProbe.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String testClasses() {
        try {
            return Path.of(TcpProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
