package io.statspipe.domain.ring;

import static io.statspipe.domain.ring.SeedChoiceTest.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    // member(id, dc, rack, joined) listens on 10.0.0.<joined+1>, storage 7000, native 9042
    private final RingMember a = member("a", "dc1", "r1", 1);
    private final RingMember b = member("b", "dc1", "r1", 2);
    private final RingMember c = member("c", "dc1", "r1", 3);
    private final List<RingMember> ring = List.of(a, b, c);
    private final Set<String> kairos = Set.of("10.0.5.1", "10.0.5.2");

    @Test
    void membersReachEachOthersInternodePort() {
        Admission ofA = Admission.forMember(a, ring, kairos);

        assertThat(ofA.ringPeers()).containsExactly("10.0.0.3", "10.0.0.4");
        assertThat(ofA.admits(b.address(), 7000)).isTrue();
        assertThat(ofA.admits(c.address(), 7000)).isTrue();
    }

    @Test
    void kairosDbHostsReachTheClientPortAndNotTheInternodePort() {
        Admission ofA = Admission.forMember(a, ring, kairos);

        assertThat(ofA.admits("10.0.5.1", 9042)).isTrue();
        assertThat(ofA.admits("10.0.5.2", 9042)).isTrue();
        assertThat(ofA.admits("10.0.5.1", 7000)).isFalse();
    }

    @Test
    void membersDoNotReachTheClientPortUnlessTheyAreAlsoKairosDbHosts() {
        assertThat(Admission.forMember(a, ring, kairos).admits(b.address(), 9042)).isFalse();
        assertThat(Admission.forMember(a, ring, Set.of(b.address())).admits(b.address(), 9042)).isTrue();
    }

    @Test
    void nobodyElseReachesAnythingAndNoOtherPortIsAdmitted() {
        Admission ofA = Admission.forMember(a, ring, kairos);

        assertThat(ofA.admits("192.168.1.1", 7000)).isFalse();
        assertThat(ofA.admits("192.168.1.1", 9042)).isFalse();
        assertThat(ofA.admits(b.address(), 7199)).isFalse();
        assertThat(ofA.admits("10.0.5.1", 22)).isFalse();
    }

    @Test
    void aNewMemberIsAdmittedAndALeftMemberIsNot() {
        RingMember d = member("d", "dc1", "r2", 4);

        assertThat(Admission.forMember(a, List.of(a, b, c, d), kairos).admits(d.address(), 7000)).isTrue();
        assertThat(Admission.forMember(a, List.of(a, c, d), kairos).admits(b.address(), 7000)).isFalse();
    }

    @Test
    void aFirewallThatAgreesShowsNoDifferenceAndOneThatDisagreesShowsEach() {
        Admission wanted = Admission.forMember(a, ring, kairos);
        assertThat(wanted.differencesFrom(Admission.forMember(a, ring, kairos))).isEmpty();

        Admission stale = new Admission(a, new TreeSet<>(Set.of("10.0.0.3", "10.0.0.9")), new TreeSet<>(kairos));

        assertThat(wanted.differencesFrom(stale)).containsExactly(
                "a: 10.0.0.9 is admitted to the internode port 7000 but should not be",
                "a: 10.0.0.4 should be admitted to the internode port 7000 but is not");
    }

    @Test
    void aKairosDbHostMustBeAnAddress() {
        assertThatThrownBy(() -> Admission.forMember(a, ring, Set.of("kairos.internal")))
                .hasMessageContaining("address 'kairos.internal' is not an IPv4 or IPv6 address literal");
    }
}
