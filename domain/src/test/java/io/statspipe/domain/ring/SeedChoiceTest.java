package io.statspipe.domain.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedChoiceTest {
    private final SeedChoice three = new SeedChoice(3);

    static RingMember member(String id, String dc, String rack, long joined) {
        return new RingMember(id, "10.0.0." + (joined + 1), dc, rack, 7000, 9042, joined);
    }

    @Test
    void theOldestMembersOfADatacenterAreItsSeeds() {
        List<RingMember> ring = List.of(member("c", "dc1", "r1", 3), member("a", "dc1", "r1", 1),
                member("d", "dc1", "r1", 4), member("b", "dc1", "r1", 2));

        assertThat(three.seedsOf(ring)).extracting(RingMember::id).containsExactly("a", "b", "c");
    }

    @Test
    void seedsSpreadOverRacksBeforeTakingASecondSeedInARack() {
        List<RingMember> ring = List.of(member("a", "dc1", "r1", 1), member("b", "dc1", "r1", 2),
                member("c", "dc1", "r1", 3), member("d", "dc1", "r2", 4), member("e", "dc1", "r3", 5));

        assertThat(three.seedsOf(ring)).extracting(RingMember::id).containsExactly("a", "d", "e");
    }

    @Test
    void everyDatacenterGetsItsOwnSeeds() {
        List<RingMember> ring = List.of(member("a", "dc1", "r1", 1), member("b", "dc2", "r1", 2),
                member("c", "dc1", "r1", 3), member("d", "dc2", "r1", 4), member("e", "dc2", "r1", 5),
                member("f", "dc2", "r1", 6));

        assertThat(three.seedsOf(ring)).extracting(RingMember::id).containsExactly("a", "c", "b", "d", "e");
    }

    @Test
    void aDeadSeedIsReplacedByTheOldestLiveMemberOfItsRackAndTheOtherSeedsStay() {
        List<RingMember> ring = new ArrayList<>(List.of(member("a", "dc1", "r1", 1), member("b", "dc1", "r2", 2),
                member("c", "dc1", "r3", 3), member("d", "dc1", "r3", 4), member("e", "dc1", "r2", 5)));
        assertThat(three.seedsOf(ring)).extracting(RingMember::id).containsExactly("a", "b", "c");

        ring.removeIf(m -> m.id().equals("b"));

        assertThat(three.seedsOf(ring)).extracting(RingMember::id).containsExactly("a", "c", "e");
    }

    @Test
    void aMemberThatRegistersAgainAfterItsSessionExpiredIsTheYoungestAndNoLongerASeed() {
        List<RingMember> ring = new ArrayList<>(List.of(member("a", "dc1", "r1", 1), member("b", "dc1", "r1", 2),
                member("c", "dc1", "r1", 3), member("d", "dc1", "r1", 4)));
        ring.set(0, ring.get(0).joinedAt(9));

        assertThat(three.seedsOf(ring)).extracting(RingMember::id).containsExactly("b", "c", "d");
    }

    @Test
    void theChoiceDoesNotDependOnTheOrderTheRegistryListsMembersIn() {
        qt().forAll(lists().of(integers().between(0, 40)).ofSizeBetween(1, 12), integers().between(0, 1000))
                .checkAssert((sequences, shuffleSeed) -> {
                    List<RingMember> ring = ring(sequences);
                    List<RingMember> shuffled = new ArrayList<>(ring);
                    Collections.shuffle(shuffled, new java.util.Random(shuffleSeed));
                    assertThat(three.seedsOf(shuffled)).isEqualTo(three.seedsOf(ring));
                });
    }

    @Test
    void aNewMemberInARackThatHasASeedNeverDisplacesASeedAndOnlyFillsAFreePlace() {
        qt().forAll(lists().of(integers().between(0, 40)).ofSizeBetween(1, 12), integers().between(0, 2))
                .checkAssert((sequences, rack) -> {
                    List<RingMember> ring = ring(sequences);
                    List<RingMember> before = three.seedsOf(ring);
                    String seededRack = before.get(rack % before.size()).rack();
                    List<RingMember> grown = new ArrayList<>(ring);
                    grown.add(new RingMember("new", "10.9.9.9", "dc1", seededRack, 7000, 9042, 1_000));

                    List<RingMember> after = three.seedsOf(grown);
                    assertThat(after).containsAll(before);
                    if (before.size() == three.perDatacenter()) {
                        assertThat(after).isEqualTo(before);
                    }
                });
    }

    @Test
    void aDeadMemberThatIsNoSeedNeverChangesTheSeeds() {
        qt().forAll(lists().of(integers().between(0, 40)).ofSizeBetween(2, 12), integers().between(0, 100))
                .checkAssert((sequences, pick) -> {
                    List<RingMember> ring = ring(sequences);
                    List<RingMember> seeds = three.seedsOf(ring);
                    List<RingMember> others = ring.stream().filter(m -> !seeds.contains(m)).toList();
                    if (others.isEmpty()) {
                        return;
                    }
                    List<RingMember> shrunk = new ArrayList<>(ring);
                    shrunk.remove(others.get(pick % others.size()));

                    assertThat(three.seedsOf(shrunk)).isEqualTo(seeds);
                });
    }

    @Test
    void aDatacenterWithFewerMembersThanSeedsMakesAllOfThemSeeds() {
        List<RingMember> ring = List.of(member("a", "dc1", "r1", 1), member("b", "dc1", "r2", 2));

        assertThat(three.seedsOf(ring)).extracting(RingMember::id).containsExactly("a", "b");
        assertThat(three.seedsOf(List.of())).isEmpty();
    }

    @Test
    void theNumberOfSeedsIsBoundedAsCassandraAdvises() {
        assertThatThrownBy(() -> new SeedChoice(0)).hasMessageContaining("seeds per datacenter out of range: 0");
        assertThatThrownBy(() -> new SeedChoice(21)).hasMessageContaining("out of range: 21");
    }

    /** Members of dc1 over three racks, the i-th joined at sequences.get(i) (ties broken by id). */
    private static List<RingMember> ring(List<Integer> sequences) {
        List<RingMember> ring = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            ring.add(new RingMember("m" + i, "10.0.1." + (i + 1), "dc1", "r" + (i % 3), 7000, 9042, sequences.get(i)));
        }
        return ring;
    }
}
