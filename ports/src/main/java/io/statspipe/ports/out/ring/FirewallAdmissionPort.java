package io.statspipe.ports.out.ring;

import io.statspipe.domain.ring.Admission;
import io.statspipe.domain.ring.RingMember;

/**
 * Who may reach a ring member's internode and client ports, enforced by whatever stands in front
 * of the member (a host firewall, a cloud security group). Enforcing replaces the previous rules
 * as a whole, never leaving a moment in which both or neither apply.
 */
public interface FirewallAdmissionPort {

    /** Enforces exactly {@code admission} for its member's two ports; nothing else is admitted to them. */
    void enforce(Admission admission);

    /** What is enforced for {@code member} now (no one admitted when nothing was ever enforced). */
    Admission enforced(RingMember member);
}
