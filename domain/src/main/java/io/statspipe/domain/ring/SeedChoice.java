package io.statspipe.domain.ring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which live members are Cassandra seeds: per datacenter, at most {@code perDatacenter} of them,
 * first the oldest member of each rack (racks in the order of their oldest member), then the
 * oldest of the rest. A pure function of the membership, so every node computes the same seeds;
 * "oldest" is the registry's join order, so a new member never displaces a seed unless it brings
 * a rack that has none, and a dead seed is replaced by the oldest live member of its rack.
 */
public record SeedChoice(int perDatacenter) {
    /**
     * Two, one below the keyspace's replication factor 3: a datacenter that lost one of its three
     * nodes still has both its seeds among the two left, so the node that replaces the lost one
     * never starts as a seed (Cassandra does not bootstrap a seed: it would own ranges without
     * their data). Two also leaves a seed to gossip with while the other is down.
     */
    public static final int DEFAULT_PER_DATACENTER = 2;

    private static final Comparator<RingMember> OLDEST_FIRST =
            Comparator.comparingLong(RingMember::joinSequence).thenComparing(RingMember::id);

    public SeedChoice {
        if (perDatacenter < 1 || perDatacenter > 20) {
            throw new IllegalArgumentException("seeds per datacenter out of range: " + perDatacenter
                    + " (1 to 20; Cassandra warns about more than 20 seeds)");
        }
    }

    public static SeedChoice standard() {
        return new SeedChoice(DEFAULT_PER_DATACENTER);
    }

    /** The seeds among {@code live}, oldest first within each datacenter, datacenters by name. */
    public List<RingMember> seedsOf(Collection<RingMember> live) {
        Map<String, List<RingMember>> byDatacenter = new TreeMap<>();
        live.stream().sorted(OLDEST_FIRST).forEach(member ->
                byDatacenter.computeIfAbsent(member.datacenter(), dc -> new ArrayList<>()).add(member));
        List<RingMember> seeds = new ArrayList<>();
        byDatacenter.values().forEach(members -> seeds.addAll(seedsOfDatacenter(members)));
        return List.copyOf(seeds);
    }

    public boolean isSeed(RingMember member, Collection<RingMember> live) {
        return seedsOf(live).stream().anyMatch(seed -> seed.id().equals(member.id()));
    }

    private List<RingMember> seedsOfDatacenter(List<RingMember> oldestFirst) {
        Map<String, RingMember> oldestOfRack = new LinkedHashMap<>();
        oldestFirst.forEach(member -> oldestOfRack.putIfAbsent(member.rack(), member));
        List<RingMember> chosen = new ArrayList<>();
        for (RingMember member : oldestOfRack.values()) {
            if (chosen.size() < perDatacenter) {
                chosen.add(member);
            }
        }
        for (RingMember member : oldestFirst) {
            if (chosen.size() < perDatacenter && !chosen.contains(member)) {
                chosen.add(member);
            }
        }
        chosen.sort(OLDEST_FIRST);
        return chosen;
    }
}
