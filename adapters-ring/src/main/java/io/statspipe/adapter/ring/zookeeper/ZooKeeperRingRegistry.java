package io.statspipe.adapter.ring.zookeeper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.domain.ring.RingMember;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.ring.RingMembershipPort;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The ring's membership in ZooKeeper: one ephemeral znode per live member under
 * {@code /statspipe/ring/<cluster>/members/<id>} and per KairosDB host under
 * {@code .../kairosdb/<id>}, holding where it listens as JSON. The znode's creating transaction id
 * ({@code czxid}) is the member's join sequence: ZooKeeper orders every creation the same way for
 * every reader. Registrations are Curator {@link PersistentNode}s: after a session expiry they are
 * created again (with a new, younger sequence).
 */
public final class ZooKeeperRingRegistry implements RingMembershipPort, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Names that are one znode each: no '/', nothing ZooKeeper reserves. */
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}";

    private final CuratorFramework client;
    private final String membersPath;
    private final String kairosPath;
    private final Duration timeout;

    private ZooKeeperRingRegistry(CuratorFramework client, String cluster, Duration timeout) {
        this.client = client;
        this.membersPath = "/statspipe/ring/" + cluster + "/members";
        this.kairosPath = "/statspipe/ring/" + cluster + "/kairosdb";
        this.timeout = timeout;
    }

    /**
     * Connects to the ensemble {@code connectString} ({@code host:port,...}) for the ring named
     * {@code cluster}, waiting at most {@code timeout}.
     *
     * @throws EngineUnavailableException naming the ensemble when it does not answer in time
     */
    public static ZooKeeperRingRegistry connect(String connectString, String cluster, Duration timeout) {
        if (cluster == null || !cluster.matches(NAME)) {
            throw new IllegalArgumentException("ring cluster name '" + cluster
                    + "' must be 1 to 63 letters, digits, _ . - (starting with a letter or digit)");
        }
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) Math.max(timeout.toMillis(), 4_000))
                .connectionTimeoutMs((int) timeout.toMillis())
                .retryPolicy(new ExponentialBackoffRetry(250, 3))
                .build();
        client.start();
        try {
            if (!client.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                client.close();
                throw new EngineUnavailableException("ZooKeeper at '" + connectString + "' did not answer within "
                        + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted while connecting to ZooKeeper at '" + connectString + "'", e);
        }
        return new ZooKeeperRingRegistry(client, cluster, timeout);
    }

    @Override
    public Registration register(RingMember member) {
        MemberDocument document = new MemberDocument(member.address(), member.datacenter(), member.rack(),
                member.storagePort(), member.nativePort());
        return listed(membersPath + "/" + member.id(), document);
    }

    @Override
    public Registration registerKairosHost(String id, String address) {
        if (id == null || !id.matches(NAME)) {
            throw new IllegalArgumentException("KairosDB host id '" + id
                    + "' must be 1 to 63 letters, digits, _ . - (starting with a letter or digit)");
        }
        RingMember.requireAddress(address);
        return listed(kairosPath + "/" + id, new KairosHostDocument(address));
    }

    @Override
    public List<RingMember> members() {
        List<RingMember> members = new ArrayList<>();
        for (String id : children(membersPath)) {
            Stat stat = new Stat();
            byte[] data = dataOf(membersPath + "/" + id, stat);
            if (data != null) {
                MemberDocument d = read(data, MemberDocument.class, membersPath + "/" + id);
                members.add(new RingMember(id, d.address(), d.datacenter(), d.rack(), d.storagePort(),
                        d.nativePort(), stat.getCzxid()));
            }
        }
        members.sort(Comparator.comparingLong(RingMember::joinSequence));
        return List.copyOf(members);
    }

    @Override
    public List<String> kairosHosts() {
        List<String> hosts = new ArrayList<>();
        for (String id : children(kairosPath)) {
            byte[] data = dataOf(kairosPath + "/" + id, new Stat());
            if (data != null) {
                hosts.add(read(data, KairosHostDocument.class, kairosPath + "/" + id).address());
            }
        }
        return hosts.stream().sorted().distinct().toList();
    }

    @Override
    public void close() {
        client.close();
    }

    private Registration listed(String path, Object document) {
        PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, write(document));
        node.start();
        try {
            if (!node.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                closeQuietly(node);
                throw new EngineUnavailableException("could not register " + path + " in ZooKeeper within "
                        + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            closeQuietly(node);
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted while registering " + path, e);
        }
        return () -> closeQuietly(node);
    }

    private List<String> children(String path) {
        try {
            return client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new EngineUnavailableException("cannot list " + path + " in ZooKeeper", e);
        }
    }

    /** The znode's data, or null when it went away since it was listed (a member that just left). */
    private byte[] dataOf(String path, Stat stat) {
        try {
            return client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (Exception e) {
            throw new EngineUnavailableException("cannot read " + path + " in ZooKeeper", e);
        }
    }

    private static byte[] write(Object document) {
        try {
            return JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + document + " as JSON", e);
        }
    }

    private static <T> T read(byte[] data, Class<T> type, String path) {
        try {
            return JSON.readValue(data, type);
        } catch (IOException e) {
            throw new IllegalStateException("znode " + path + " does not hold a " + type.getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(PersistentNode node) {
        try {
            node.close();
        } catch (IOException e) {
            // the session's end removes the ephemeral znode anyway
        }
    }

    record MemberDocument(String address, String datacenter, String rack, int storagePort, int nativePort) {
    }

    record KairosHostDocument(String address) {
    }
}
