package io.statspipe.ports.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.ring.RingMember;
import io.statspipe.ports.fixtures.InMemoryRing;
import io.statspipe.ports.out.ring.RingMembershipPort.Registration;
import org.junit.jupiter.api.Test;

class RingFirewallServiceTest {
    private final InMemoryRing ring = new InMemoryRing();
    private final RingFirewallService service = new RingFirewallService(ring, ring);

    private static RingMember member(String id, String address) {
        return new RingMember(id, address, "dc1", "r1", 7000, 9042, 0);
    }

    @Test
    void aFirewallFollowsTheMembershipAsItGrowsAndShrinks() {
        ring.register(member("cass1", "10.0.0.1"));
        ring.register(member("cass2", "10.0.0.2"));
        ring.registerKairosHost("kairos1", "10.0.5.1");

        assertThat(service.keepInStep("cass1")).containsExactly(
                "cass1: 10.0.0.2 should be admitted to the internode port 7000 but is not",
                "cass1: 10.0.5.1 should be admitted to the client port 9042 but is not");
        assertThat(ring.enforced(member("cass1", "10.0.0.1")).admits("10.0.0.2", 7000)).isTrue();

        Registration cass3 = ring.register(member("cass3", "10.0.0.3"));
        assertThat(service.keepInStep("cass1"))
                .containsExactly("cass1: 10.0.0.3 should be admitted to the internode port 7000 but is not");

        cass3.close();
        assertThat(service.keepInStep("cass1"))
                .containsExactly("cass1: 10.0.0.3 is admitted to the internode port 7000 but should not be");
        assertThat(ring.enforced(member("cass1", "10.0.0.1")).admits("10.0.0.3", 7000)).isFalse();
    }

    @Test
    void aFirewallThatAgreesIsNotTouched() {
        ring.register(member("cass1", "10.0.0.1"));
        ring.register(member("cass2", "10.0.0.2"));
        service.keepInStep("cass1");

        assertThat(service.keepInStep("cass1")).isEmpty();
        assertThat(ring.enforcements()).hasSize(1);
    }

    @Test
    void aMemberThatIsNotRegisteredLeavesItsFirewallAsItIs() {
        ring.register(member("cass2", "10.0.0.2"));

        assertThatThrownBy(() -> service.keepInStep("cass1"))
                .hasMessage("member 'cass1' is not registered in the ring: its firewall is left as it is");
        assertThat(ring.enforcements()).isEmpty();
    }
}
