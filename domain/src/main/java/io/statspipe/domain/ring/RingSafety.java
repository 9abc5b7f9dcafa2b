package io.statspipe.domain.ring;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The operator's steps statspipe refuses, each with its reason: a join that would register an id
 * or an address twice, and a leave that would take the last seed of a datacenter or leave the
 * datacenter with fewer members than the keyspace's replication factor (then a QUORUM of some
 * replica sets could no longer be reached).
 */
public record RingSafety(SeedChoice seedChoice, int replicationFactor) {

    public RingSafety {
        if (seedChoice == null) {
            throw new IllegalArgumentException("seed choice must not be null");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1: " + replicationFactor);
        }
    }

    public Optional<String> refusalToJoin(RingMember candidate, Collection<RingMember> live) {
        for (RingMember member : live) {
            if (member.id().equals(candidate.id())) {
                return Optional.of("member id '" + candidate.id() + "' is already registered (address "
                        + member.address() + ")");
            }
            if (member.address().equals(candidate.address())) {
                return Optional.of("address " + candidate.address() + " is already registered by member '"
                        + member.id() + "'");
            }
        }
        return Optional.empty();
    }

    /**
     * A node that is one of the seeds when it starts does not bootstrap (Cassandra skips streaming
     * for a seed): in a ring that holds data it would own token ranges without their data. A new
     * member is the youngest, so it is a seed only while its datacenter has fewer live members than
     * seeds; that is refused unless the ring is being started empty.
     */
    public Optional<String> refusalToJoinAsSeed(RingMember candidate, Collection<RingMember> live, boolean ringIsNew) {
        List<RingMember> sameDatacenter = live.stream()
                .filter(member -> member.datacenter().equals(candidate.datacenter())).toList();
        if (ringIsNew || sameDatacenter.isEmpty()) {
            return Optional.empty();
        }
        long youngest = live.stream().mapToLong(RingMember::joinSequence).max().orElse(0);
        List<RingMember> grown = new java.util.ArrayList<>(live);
        grown.add(candidate.joinedAt(youngest + 1));
        if (seedChoice.isSeed(candidate, grown)) {
            return Optional.of("'" + candidate.id() + "' would start as a seed of datacenter " + candidate.datacenter()
                    + " (" + sameDatacenter.size() + " live member" + (sameDatacenter.size() == 1 ? "" : "s")
                    + ", " + seedChoice.perDatacenter() + " seeds per datacenter), and Cassandra does not bootstrap a"
                    + " seed: it would own ranges without their data. Start the ring's first nodes as a new ring, or"
                    + " bring the datacenter to " + seedChoice.perDatacenter() + " members first");
        }
        return Optional.empty();
    }

    public Optional<String> refusalToLeave(String id, Collection<RingMember> live) {
        Optional<RingMember> leaving = live.stream().filter(member -> member.id().equals(id)).findFirst();
        if (leaving.isEmpty()) {
            return Optional.of("no live member has id '" + id + "'");
        }
        String datacenter = leaving.get().datacenter();
        List<RingMember> remaining = live.stream()
                .filter(member -> !member.id().equals(id) && member.datacenter().equals(datacenter))
                .toList();
        if (remaining.isEmpty()) {
            return Optional.of("'" + id + "' is the last seed of datacenter " + datacenter
                    + ": no member would remain to take its place");
        }
        if (remaining.size() < replicationFactor) {
            return Optional.of("leaving would leave " + remaining.size() + " member"
                    + (remaining.size() == 1 ? "" : "s") + " in datacenter " + datacenter
                    + ", below the keyspace's replication factor " + replicationFactor);
        }
        return Optional.empty();
    }
}
