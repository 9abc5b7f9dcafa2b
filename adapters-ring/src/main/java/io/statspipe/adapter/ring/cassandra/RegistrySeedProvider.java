package io.statspipe.adapter.ring.cassandra;

import io.statspipe.adapter.ring.zookeeper.ZooKeeperRingRegistry;
import io.statspipe.domain.ring.RingMember;
import io.statspipe.domain.ring.SeedChoice;
import io.statspipe.ports.out.ring.RingMembershipPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.cassandra.config.DatabaseDescriptor;
import org.apache.cassandra.locator.InetAddressAndPort;
import org.apache.cassandra.locator.SeedProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cassandra's seeds from the ring's registry, set in {@code cassandra.yaml}:
 *
 * <pre>
 * seed_provider:
 *   - class_name: io.statspipe.adapter.ring.cassandra.RegistrySeedProvider
 *     parameters:
 *       - zookeeper: "zk1:2181,zk2:2181,zk3:2181"
 *         cluster: "kairosdb"
 * </pre>
 *
 * <p>With {@code node-id} set, the node registers itself (its broadcast address, storage and
 * native ports from its own configuration, {@code datacenter} and {@code rack} as its snitch
 * says) for as long as its JVM lives. Cassandra asks for seeds at start-up and whenever its
 * gossiper reloads them ({@code nodetool reloadseeds}, or a seed removed from gossip): every call
 * reads the registry. When the registry cannot be read it answers the seeds it read last, so a
 * reload never empties the node's seed list; at the very first call there is nothing to fall
 * back on and start-up fails with the reason.
 */
public final class RegistrySeedProvider implements SeedProvider {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrySeedProvider.class);

    private final RingMembershipPort registry;
    private final SeedChoice choice;
    private volatile List<InetAddressAndPort> lastSeeds = List.of();

    /** What Cassandra calls, with {@code seed_provider}'s parameters. */
    public RegistrySeedProvider(Map<String, String> parameters) {
        this(logged(() -> connect(parameters)), logged(() -> choiceOf(parameters)));
        logged(() -> ownMember(parameters)).ifPresent(member -> {
            logged(() -> registry.register(member));
            LOG.info("registered {} at {} in the ring's registry", member.id(), member.address());
        });
    }

    /**
     * Cassandra reports a failing constructor only as "ConfigurationException: null" (the message of
     * the reflective wrapper): log the reason here, where it is known.
     */
    private static <T> T logged(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            LOG.error("statspipe's seed provider cannot start: {}", e.getMessage(), e);
            throw e;
        }
    }

    /** For a registry and a seed choice already made (tests, and any embedding). */
    public RegistrySeedProvider(RingMembershipPort registry, SeedChoice choice) {
        this.registry = registry;
        this.choice = choice;
    }

    @Override
    public List<InetAddressAndPort> getSeeds() {
        List<InetAddressAndPort> seeds;
        try {
            seeds = choice.seedsOf(registry.members()).stream().map(RegistrySeedProvider::endpointOf).toList();
        } catch (RuntimeException e) {
            if (lastSeeds.isEmpty()) {
                throw new IllegalStateException("cannot read the ring's seeds from its registry: " + e.getMessage(), e);
            }
            LOG.warn("cannot read the ring's registry ({}); keeping the seeds read last: {}", e.getMessage(), lastSeeds);
            return lastSeeds;
        }
        if (seeds.isEmpty()) {
            if (lastSeeds.isEmpty()) {
                throw new IllegalStateException("the ring's registry lists no live member: no seed to start from");
            }
            LOG.warn("the ring's registry lists no live member; keeping the seeds read last: {}", lastSeeds);
            return lastSeeds;
        }
        lastSeeds = seeds;
        return seeds;
    }

    private static InetAddressAndPort endpointOf(RingMember member) {
        try {
            // an address literal (RingMember allows no host name): no lookup happens
            return InetAddressAndPort.getByAddressOverrideDefaults(InetAddress.getByName(member.address()),
                    member.storagePort());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("member '" + member.id() + "' has no usable address: " + member.address(), e);
        }
    }

    private static RingMembershipPort connect(Map<String, String> parameters) {
        String zookeeper = required(parameters, "zookeeper");
        String cluster = required(parameters, "cluster");
        Duration timeout = Duration.ofMillis(number(parameters, "timeout-ms", 10_000));
        return ZooKeeperRingRegistry.connect(zookeeper, cluster, timeout);
    }

    private static SeedChoice choiceOf(Map<String, String> parameters) {
        return new SeedChoice((int) number(parameters, "seeds-per-datacenter", SeedChoice.DEFAULT_PER_DATACENTER));
    }

    private static Optional<RingMember> ownMember(Map<String, String> parameters) {
        String id = parameters.get("node-id");
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        // broadcast_address defaults to listen_address, which Cassandra applies only later
        InetAddress address = DatabaseDescriptor.getBroadcastAddress() != null
                ? DatabaseDescriptor.getBroadcastAddress() : DatabaseDescriptor.getListenAddress();
        return Optional.of(new RingMember(id, address.getHostAddress(),
                parameters.getOrDefault("datacenter", "datacenter1"), parameters.getOrDefault("rack", "rack1"),
                DatabaseDescriptor.getStoragePort(), DatabaseDescriptor.getNativeTransportPort(), 0));
    }

    private static String required(Map<String, String> parameters, String key) {
        String value = parameters == null ? null : parameters.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("seed_provider parameter '" + key + "' is missing (" + RegistrySeedProvider.class.getName() + ")");
        }
        return value;
    }

    private static long number(Map<String, String> parameters, String key, long otherwise) {
        String value = parameters.get(key);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed_provider parameter '" + key + "' is not a number: '" + value + "'", e);
        }
    }
}
