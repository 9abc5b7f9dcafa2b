package io.statspipe.ports.service;

import io.statspipe.domain.ring.Admission;
import io.statspipe.domain.ring.RingMember;
import io.statspipe.ports.out.ring.FirewallAdmissionPort;
import io.statspipe.ports.out.ring.RingMembershipPort;
import java.util.List;

/**
 * Keeps one member's firewall in step with the ring's membership: reads the live members and
 * KairosDB hosts, computes what the member must admit, and enforces it when the firewall admits
 * something else. A member that is not registered (not started yet, or the registry unreachable)
 * leaves its firewall as it is: cutting a member off because its own registration is missing
 * would partition the ring.
 */
public final class RingFirewallService {
    private final RingMembershipPort membership;
    private final FirewallAdmissionPort firewall;

    public RingFirewallService(RingMembershipPort membership, FirewallAdmissionPort firewall) {
        this.membership = membership;
        this.firewall = firewall;
    }

    /**
     * Brings {@code memberId}'s firewall in step; returns what changed, one readable line each
     * (empty when it already agreed).
     *
     * @throws IllegalStateException when {@code memberId} is not a live member (nothing enforced)
     */
    public List<String> keepInStep(String memberId) {
        List<RingMember> members = membership.members();
        RingMember member = members.stream().filter(m -> m.id().equals(memberId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("member '" + memberId
                        + "' is not registered in the ring: its firewall is left as it is"));
        Admission wanted = Admission.forMember(member, members, membership.kairosHosts());
        List<String> differences = wanted.differencesFrom(firewall.enforced(member));
        if (!differences.isEmpty()) {
            firewall.enforce(wanted);
        }
        return differences;
    }
}
