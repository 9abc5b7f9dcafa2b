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
