package io.statspipe.app.cli;

import io.statspipe.adapter.ring.cassandra.GossiperSeeds;
import io.statspipe.adapter.ring.nftables.NftablesFirewall;
import io.statspipe.adapter.ring.zookeeper.ZooKeeperRingRegistry;
import io.statspipe.domain.ring.Admission;
import io.statspipe.domain.ring.RingMember;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.ring.FirewallAdmissionPort;
import io.statspipe.ports.service.RingFirewallService;
import java.time.Duration;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code statspipe ring}: the Cassandra ring's membership, seeds and firewall admission as the
 * registry has them (docs/RING.md), and the operator's join and leave checks.
 */
@Command(name = "ring", mixinStandardHelpOptions = true,
        subcommands = {RingCommand.Status.class, RingCommand.Join.class, RingCommand.Leave.class, RingCommand.ReloadSeeds.class,
                RingCommand.Firewall.class},
        description = "The Cassandra ring under KairosDB: members, seeds and firewall rules from its registry (docs/RING.md).")
public final class RingCommand {
    /** Exit code of a step refused as unsafe, and of a status in which a firewall disagrees. */
    static final int REFUSED = 1;

    /** Says why a step is refused, naming the command ({@code statspipe ring leave: refused: ...}). */
    static int refuse(CommandSpec spec, String reason) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": refused: " + reason);
        spec.commandLine().getErr().flush();
        return REFUSED;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Members (oldest first, seeds marked), KairosDB hosts, and what each member's firewall "
                    + "must admit.", "With --firewall-of, also what this host's nftables admits for that member, "
                    + "and where it disagrees (exit 1 when it does)."})
    public static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RingOptions ring;

        @Option(names = "--firewall-of", paramLabel = "ID",
                description = "Compare this host's nftables rules with what member ID must admit.")
        String firewallOf;

        @Option(names = "--nft", defaultValue = "nft", split = " ", paramLabel = "COMMAND",
                description = "The nft command (default: ${DEFAULT-VALUE}).")
        List<String> nft;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (ZooKeeperRingRegistry registry = ring.registry()) {
                List<RingMember> members = registry.members();
                List<String> kairos = registry.kairosHosts();
                List<RingMember> seeds = ring.seedChoice().seedsOf(members);
                out.printf("ring '%s': %d live member%s, %d seed%s, %d KairosDB host%s%n", ring.cluster, members.size(),
                        members.size() == 1 ? "" : "s", seeds.size(), seeds.size() == 1 ? "" : "s", kairos.size(),
                        kairos.size() == 1 ? "" : "s");
                for (RingMember m : members) {
                    out.printf("  %-12s %-16s %s/%s  internode %d  client %d%s%n", m.id(), m.address(), m.datacenter(),
                            m.rack(), m.storagePort(), m.nativePort(), seeds.contains(m) ? "  seed" : "");
                }
                out.println("KairosDB hosts: " + (kairos.isEmpty() ? "(none)" : String.join(", ", kairos)));
                for (RingMember m : members) {
                    Admission admission = Admission.forMember(m, members, kairos);
                    out.printf("firewall of %s: internode %d from [%s]; client %d from [%s]; nothing else%n", m.id(),
                            m.storagePort(), String.join(", ", admission.ringPeers()), m.nativePort(),
                            String.join(", ", admission.kairosHosts()));
                }
                boolean belowReplication = members.size() < ring.replicationFactor;
                if (belowReplication) {
                    out.printf("disagrees: %d live members, below the keyspace's replication factor %d%n", members.size(),
                            ring.replicationFactor);
                }
                boolean tooManySeeds = ring.seedsPerDatacenter >= ring.replicationFactor;
                if (tooManySeeds) {
                    out.printf("disagrees: %d seeds per datacenter is not below the replication factor %d: the node "
                            + "replacing a lost one would start as a seed and not bootstrap (docs/RING.md)%n",
                            ring.seedsPerDatacenter, ring.replicationFactor);
                }
                if (firewallOf == null) {
                    out.flush();
                    return belowReplication || tooManySeeds ? REFUSED : 0;
                }
                return compareFirewall(out, members, kairos, new NftablesFirewall(nft));
            }
        }

        private int compareFirewall(PrintWriter out, List<RingMember> members, List<String> kairos,
                                    FirewallAdmissionPort firewall) {
            Optional<RingMember> member = members.stream().filter(m -> m.id().equals(firewallOf)).findFirst();
            if (member.isEmpty()) {
                out.println("disagrees: no live member has id '" + firewallOf + "'");
                out.flush();
                return REFUSED;
            }
            List<String> differences = Admission.forMember(member.get(), members, kairos)
                    .differencesFrom(firewall.enforced(member.get()));
            differences.forEach(line -> out.println("disagrees: " + line));
            if (differences.isEmpty()) {
                out.println("this host's nftables rules for " + firewallOf + " agree with the membership");
            }
            out.flush();
            return differences.isEmpty() ? 0 : REFUSED;
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = {"Check that a new member may join (its id and address are not registered yet) and print "
                    + "what to start it with.", "The node registers itself when Cassandra starts (the seed provider's "
                    + "node-id parameter). With --hold, this command registers it instead and holds the registration "
                    + "until it is stopped (for a host whose registration is not Cassandra's own, e.g. --kairosdb)."})
    public static final class Join implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RingOptions ring;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The member's id (unique in the ring).")
        String id;

        @Option(names = "--address", required = true, paramLabel = "IP", description = "Its address (a literal, no host name).")
        String address;

        @Option(names = "--dc", defaultValue = "datacenter1", paramLabel = "DC",
                description = "Its datacenter, as its snitch says (default: ${DEFAULT-VALUE}).")
        String datacenter;

        @Option(names = "--rack", defaultValue = "rack1", paramLabel = "RACK",
                description = "Its rack, as its snitch says (default: ${DEFAULT-VALUE}).")
        String rack;

        @Option(names = "--storage-port", defaultValue = "7000", paramLabel = "PORT",
                description = "Its internode port (default: ${DEFAULT-VALUE}).")
        int storagePort;

        @Option(names = "--native-port", defaultValue = "9042", paramLabel = "PORT",
                description = "Its client (native protocol) port (default: ${DEFAULT-VALUE}).")
        int nativePort;

        @Option(names = "--kairosdb", description = "Register a KairosDB host (admitted to the client port) instead of a member.")
        boolean kairosdb;

        @Option(names = "--hold", description = "Register now and hold the registration until this command is stopped.")
        boolean hold;

        @Option(names = "--new-ring", description = "The ring is being started empty: its first nodes may start as seeds "
                + "(a seed does not bootstrap, which only an empty ring can afford).")
        boolean newRing;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            RingMember candidate;
            try {
                candidate = new RingMember(id, address, datacenter, rack, storagePort, nativePort, 0);
            } catch (IllegalArgumentException e) {
                err.println("statspipe ring join: " + e.getMessage());
                err.flush();
                return 2;
            }
            try (ZooKeeperRingRegistry registry = ring.registry()) {
                if (kairosdb) {
                    return holdKairosHost(registry, out);
                }
                List<RingMember> members = registry.members();
                Optional<String> refusal = ring.safety().refusalToJoin(candidate, members)
                        .or(() -> ring.safety().refusalToJoinAsSeed(candidate, members, newRing));
                if (refusal.isPresent()) {
                    return refuse(spec, refusal.get());
                }
                if (hold) {
                    registry.register(candidate);
                    return holdUntilStopped(out, "member " + id + " at " + address);
                }
                out.printf("%s (%s) may join ring '%s'. Start Cassandra on it with this seed_provider in cassandra.yaml:%n",
                        id, address, ring.cluster);
                out.printf("seed_provider:%n  - class_name: io.statspipe.adapter.ring.cassandra.RegistrySeedProvider%n"
                        + "    parameters:%n      - zookeeper: \"%s\"%n        cluster: \"%s\"%n        node-id: \"%s\"%n"
                        + "        datacenter: \"%s\"%n        rack: \"%s\"%n        seeds-per-datacenter: \"%d\"%n",
                        ring.zookeeper, ring.cluster, id, datacenter, rack, ring.seedsPerDatacenter);
                out.flush();
                return 0;
            }
        }

        private int holdKairosHost(ZooKeeperRingRegistry registry, PrintWriter out) throws InterruptedException {
            if (registry.kairosHosts().contains(address)) {
                return refuse(spec, "KairosDB host " + address + " is already registered");
            }
            if (!hold) {
                out.println("KairosDB host " + address + " may be admitted; run again with --hold to hold its registration");
                out.flush();
                return 0;
            }
            registry.registerKairosHost(id, address);
            return holdUntilStopped(out, "KairosDB host " + id + " at " + address);
        }

        private static int holdUntilStopped(PrintWriter out, String what) throws InterruptedException {
            out.println("registered " + what + "; holding the registration until stopped");
            out.flush();
            new CountDownLatch(1).await();
            return 0;
        }
    }

    @Command(name = "leave", mixinStandardHelpOptions = true,
            description = {"Check that a member may leave (the ring keeps the keyspace's replication factor and a "
                    + "seed) and print the steps; refuse with the reason otherwise (exit 1)."})
    public static final class Leave implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RingOptions ring;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The member that would leave.")
        String id;

        @Override
        public Integer call() {
            try (ZooKeeperRingRegistry registry = ring.registry()) {
                List<RingMember> members = registry.members();
                Optional<String> refusal = ring.safety().refusalToLeave(id, members);
                if (refusal.isPresent()) {
                    return refuse(spec, refusal.get());
                }
                RingMember leaving = members.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
                List<RingMember> rest = members.stream().filter(m -> !m.id().equals(id)).toList();
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%s (%s) may leave ring '%s': %d members remain (replication factor %d).%n", id,
                        leaving.address(), ring.cluster, rest.size(), ring.replicationFactor);
                out.printf("1. on %s: nodetool decommission   (streams its ranges to the others)%n", leaving.address());
                out.printf("2. stop Cassandra on %s: its registration ends, every firewall stops admitting it%n",
                        leaving.address());
                out.println("seeds after it leaves: " + String.join(", ",
                        ring.seedChoice().seedsOf(rest).stream().map(RingMember::id).toList()));
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "reload-seeds", mixinStandardHelpOptions = true,
            description = {"Tell live Cassandra nodes to read their seeds again from statspipe's seed provider (the "
                    + "registry), as nodetool reloadseeds does, without a restart: needed after a seed died, since "
                    + "a dead seed is only marked down in gossip, not removed.",
                    "Prints each node's seeds (other than itself) after the reload; exit 1 when a node could not."})
    public static final class ReloadSeeds implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--jmx", required = true, split = ",", paramLabel = "HOST:PORT",
                description = "The nodes' JMX addresses (Cassandra's JMX port, 7199 by default), comma-separated.")
        List<String> nodes;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int failed = 0;
            for (String node : nodes) {
                try {
                    List<String> seeds = GossiperSeeds.reload(node);
                    out.println(node + ": seeds " + (seeds.isEmpty() ? "(itself only)" : String.join(" ", seeds)));
                } catch (EngineUnavailableException e) {
                    err.println("statspipe ring reload-seeds: " + e.getMessage());
                    failed++;
                }
            }
            out.flush();
            err.flush();
            return failed == 0 ? 0 : REFUSED;
        }
    }

    @Command(name = "firewall", mixinStandardHelpOptions = true,
            description = {"Keep this host's nftables rules for member ID in step with the ring's membership: the "
                    + "other members admitted to its internode port, the KairosDB hosts to its client port, nobody "
                    + "else to either (docs/RING.md). Runs until stopped, checking every --every; --once checks once.",
                    "While ID is not registered (not started yet, or the registry unreachable) the rules are left as "
                    + "they are: cutting a member off for a missing registration would partition the ring."})
    public static final class Firewall implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RingOptions ring;

        @Option(names = "--member", required = true, paramLabel = "ID", description = "The member this host is.")
        String member;

        @Option(names = "--nft", defaultValue = "nft", split = " ", paramLabel = "COMMAND",
                description = "The nft command (default: ${DEFAULT-VALUE}).")
        List<String> nft;

        @Option(names = "--every", defaultValue = "PT5S", paramLabel = "DURATION",
                description = "How often to compare the rules with the membership, ISO-8601 (default: ${DEFAULT-VALUE}).")
        Duration every;

        @Option(names = "--once", description = "Bring the rules in step once and exit (1 when they could not be).")
        boolean once;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (ZooKeeperRingRegistry registry = ring.registry()) {
                RingFirewallService service = new RingFirewallService(registry, new NftablesFirewall(nft));
                while (true) {
                    try {
                        service.keepInStep(member).forEach(change -> out.println("enforced: " + change));
                        out.flush();
                    } catch (IllegalStateException | EngineUnavailableException e) {
                        err.println(spec.qualifiedName() + ": " + e.getMessage());
                        err.flush();
                        if (once) {
                            return REFUSED;
                        }
                    }
                    if (once) {
                        return 0;
                    }
                    Thread.sleep(every.toMillis());
                }
            }
        }
    }
}
