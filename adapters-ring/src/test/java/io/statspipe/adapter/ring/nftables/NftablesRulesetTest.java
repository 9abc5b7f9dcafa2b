package io.statspipe.adapter.ring.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.ring.Admission;
import io.statspipe.domain.ring.RingMember;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NftablesRulesetTest {
    private final RingMember a = new RingMember("a", "10.0.0.1", "dc1", "r1", 7000, 9042, 1);
    private final RingMember b = new RingMember("b", "10.0.0.2", "dc1", "r1", 7000, 9042, 2);
    private final RingMember c = new RingMember("c", "fd00::3", "dc1", "r1", 7000, 9042, 3);

    @Test
    void theScriptReplacesStatspipesTableInOneTransactionAndAdmitsExactlyTheAdmission() {
        String script = NftablesRuleset.render(Admission.forMember(a, List.of(a, b, c), Set.of("10.0.5.1")));

        assertThat(script).isEqualTo("""
                table inet statspipe_ring
                delete table inet statspipe_ring
                table inet statspipe_ring {
                  set ring_members_v4 {
                    type ipv4_addr;
                    elements = { 10.0.0.2 }
                  }
                  set ring_members_v6 {
                    type ipv6_addr;
                    elements = { fd00::3 }
                  }
                  set kairosdb_hosts_v4 {
                    type ipv4_addr;
                    elements = { 10.0.5.1 }
                  }
                  set kairosdb_hosts_v6 {
                    type ipv6_addr;
                  }
                  chain input {
                    type filter hook input priority filter; policy accept;
                    tcp dport 7000 ip saddr @ring_members_v4 accept
                    tcp dport 7000 ip6 saddr @ring_members_v6 accept
                    tcp dport 9042 ip saddr @kairosdb_hosts_v4 accept
                    tcp dport 9042 ip6 saddr @kairosdb_hosts_v6 accept
                    tcp dport { 7000, 9042 } drop
                  }
                }
                """);
    }

    @Test
    void theMembersOwnPortsAreTheOnesGuarded() {
        RingMember odd = new RingMember("odd", "10.0.0.9", "dc1", "r1", 17000, 19042, 1);

        String script = NftablesRuleset.render(Admission.forMember(odd, List.of(odd), Set.of()));

        assertThat(script).contains("tcp dport 17000 ip saddr @ring_members_v4 accept",
                "tcp dport 19042 ip saddr @kairosdb_hosts_v4 accept", "tcp dport { 17000, 19042 } drop");
        assertThat(script).doesNotContain("elements");
    }
}
