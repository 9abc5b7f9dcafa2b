package io.statspipe.domain.ring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who may reach one ring member's ports: every other member reaches its storage (internode) port,
 * every KairosDB host reaches its native (client) port, and nobody else reaches either. A firewall
 * adapter enforces exactly this; {@code statspipe ring status} compares it with what a firewall
 * enforces.
 */
public record Admission(RingMember member, SortedSet<String> ringPeers, SortedSet<String> kairosHosts) {

    public Admission {
        if (member == null) {
            throw new IllegalArgumentException("an admission belongs to a member: member must not be null");
        }
        ringPeers.forEach(RingMember::requireAddress);
        kairosHosts.forEach(RingMember::requireAddress);
        ringPeers = unmodifiable(ringPeers);
        kairosHosts = unmodifiable(kairosHosts);
    }

    /** The rules for {@code member}'s ports, from the membership and the registered KairosDB hosts. */
    public static Admission forMember(RingMember member, Collection<RingMember> members,
                                      Collection<String> kairosHosts) {
        SortedSet<String> peers = new TreeSet<>();
        for (RingMember other : members) {
            if (!other.id().equals(member.id()) && !other.address().equals(member.address())) {
                peers.add(other.address());
            }
        }
        return new Admission(member, peers, new TreeSet<>(kairosHosts));
    }

    /** Whether a TCP connection from {@code source} to this member's {@code port} is admitted. */
    public boolean admits(String source, int port) {
        if (port == member.storagePort()) {
            return ringPeers.contains(source);
        }
        if (port == member.nativePort()) {
            return kairosHosts.contains(source);
        }
        return false;
    }

    /**
     * What {@code enforced} (read back from a firewall) admits that these rules do not, and what
     * it fails to admit that they do, one readable line each; empty when they agree.
     */
    public List<String> differencesFrom(Admission enforced) {
        List<String> differences = new ArrayList<>();
        describe(differences, "internode port " + member.storagePort(), ringPeers, enforced.ringPeers());
        describe(differences, "client port " + member.nativePort(), kairosHosts, enforced.kairosHosts());
        return List.copyOf(differences);
    }

    private void describe(List<String> differences, String port, SortedSet<String> wanted, SortedSet<String> actual) {
        for (String source : actual) {
            if (!wanted.contains(source)) {
                differences.add(member.id() + ": " + source + " is admitted to the " + port + " but should not be");
            }
        }
        for (String source : wanted) {
            if (!actual.contains(source)) {
                differences.add(member.id() + ": " + source + " should be admitted to the " + port + " but is not");
            }
        }
    }

    private static SortedSet<String> unmodifiable(SortedSet<String> addresses) {
        return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(addresses));
    }
}
