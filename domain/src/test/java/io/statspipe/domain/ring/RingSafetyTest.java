package io.statspipe.domain.ring;

import static io.statspipe.domain.ring.SeedChoiceTest.member;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RingSafetyTest {
    private final RingSafety rf3 = new RingSafety(new SeedChoice(3), 3);
    private final List<RingMember> four = List.of(member("a", "dc1", "r1", 1), member("b", "dc1", "r1", 2),
            member("c", "dc1", "r1", 3), member("d", "dc1", "r1", 4));

    @Test
    void aMemberMayLeaveWhileTheReplicationFactorIsKept() {
        assertThat(rf3.refusalToLeave("d", four)).isEmpty();
        assertThat(rf3.refusalToLeave("a", four)).as("a seed may leave: another member takes its place").isEmpty();
    }

    @Test
    void leavingBelowTheReplicationFactorIsRefusedWithTheReason() {
        assertThat(rf3.refusalToLeave("c", four.subList(0, 3)))
                .contains("leaving would leave 2 members in datacenter dc1, below the keyspace's replication factor 3");
    }

    @Test
    void removingTheLastSeedIsRefusedWithTheReason() {
        RingSafety rf1 = new RingSafety(SeedChoice.standard(), 1);

        assertThat(rf1.refusalToLeave("a", four.subList(0, 1)))
                .contains("'a' is the last seed of datacenter dc1: no member would remain to take its place");
    }

    @Test
    void leavingAnUnknownMemberIsRefused() {
        assertThat(rf3.refusalToLeave("zz", four)).contains("no live member has id 'zz'");
    }

    @Test
    void joiningTwiceUnderOneIdOrOneAddressIsRefused() {
        RingMember e = member("e", "dc1", "r1", 5);

        assertThat(rf3.refusalToJoin(e, four)).isEmpty();
        assertThat(rf3.refusalToJoin(e.joinedAt(0), List.of(e))).contains("member id 'e' is already registered (address 10.0.0.6)");
        assertThat(rf3.refusalToJoin(new RingMember("f", "10.0.0.2", "dc1", "r1", 7000, 9042, 0), four))
                .contains("address 10.0.0.2 is already registered by member 'a'");
    }

    @Test
    void withTheStandardTwoSeedsTheNodeReplacingALostOneOfThreeIsNoSeed() {
        RingSafety standard = new RingSafety(SeedChoice.standard(), 3);
        List<RingMember> threeLeftOfWhichTheFirstSeedDied = four.subList(1, 3);

        assertThat(standard.refusalToJoinAsSeed(member("e", "dc1", "r1", 0), threeLeftOfWhichTheFirstSeedDied, false))
                .isEmpty();
        assertThat(rf3.refusalToJoinAsSeed(member("e", "dc1", "r1", 0), threeLeftOfWhichTheFirstSeedDied, false))
                .as("with as many seeds as replicas, it would be one").isPresent();
    }

    @Test
    void aNewMemberThatWouldStartAsASeedIsRefusedUnlessTheRingIsNew() {
        List<RingMember> two = four.subList(0, 2);
        RingMember third = member("c3", "dc1", "r1", 0);

        assertThat(rf3.refusalToJoinAsSeed(third, two, false)).contains("'c3' would start as a seed of datacenter dc1"
                + " (2 live members, 3 seeds per datacenter), and Cassandra does not bootstrap a seed: it would own"
                + " ranges without their data. Start the ring's first nodes as a new ring, or bring the datacenter to"
                + " 3 members first");
        assertThat(rf3.refusalToJoinAsSeed(third, two, true)).isEmpty();
        assertThat(rf3.refusalToJoinAsSeed(third, List.of(), false)).as("the first node of a ring").isEmpty();
        assertThat(rf3.refusalToJoinAsSeed(member("e", "dc1", "r1", 0), four, false))
                .as("the youngest of a datacenter with its seeds is no seed").isEmpty();
    }
}
