package io.statspipe.adapter.ring.nftables;

import io.statspipe.domain.ring.Admission;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * An {@link Admission} as an nftables script for {@code nft -f}: one table of statspipe's own,
 * {@code inet statspipe_ring}, with the admitted addresses in named sets and a chain that accepts
 * the internode port from the members, the client port from the KairosDB hosts, and drops every
 * other packet to those two ports. Other ports of the host are left to its own firewall.
 *
 * <p>The script declares the table, deletes it and declares it again: {@code nft -f} runs a file
 * as one transaction, so the old rules are replaced by the new ones at once (no moment with the
 * ports open or a member cut off), and the first run works as well as the hundredth.
 */
public final class NftablesRuleset {
    public static final String TABLE = "statspipe_ring";
    static final String MEMBERS = "ring_members";
    static final String KAIROS = "kairosdb_hosts";

    private NftablesRuleset() {
    }

    public static String render(Admission admission) {
        int internode = admission.member().storagePort();
        int client = admission.member().nativePort();
        StringBuilder script = new StringBuilder()
                .append("table inet ").append(TABLE).append('\n')
                .append("delete table inet ").append(TABLE).append('\n')
                .append("table inet ").append(TABLE).append(" {\n");
        set(script, MEMBERS + "_v4", "ipv4_addr", v4(admission.ringPeers()));
        set(script, MEMBERS + "_v6", "ipv6_addr", v6(admission.ringPeers()));
        set(script, KAIROS + "_v4", "ipv4_addr", v4(admission.kairosHosts()));
        set(script, KAIROS + "_v6", "ipv6_addr", v6(admission.kairosHosts()));
        script.append("  chain input {\n")
                .append("    type filter hook input priority filter; policy accept;\n")
                .append("    tcp dport ").append(internode).append(" ip saddr @").append(MEMBERS).append("_v4 accept\n")
                .append("    tcp dport ").append(internode).append(" ip6 saddr @").append(MEMBERS).append("_v6 accept\n")
                .append("    tcp dport ").append(client).append(" ip saddr @").append(KAIROS).append("_v4 accept\n")
                .append("    tcp dport ").append(client).append(" ip6 saddr @").append(KAIROS).append("_v6 accept\n")
                .append("    tcp dport { ").append(internode).append(", ").append(client).append(" } drop\n")
                .append("  }\n")
                .append("}\n");
        return script.toString();
    }

    private static void set(StringBuilder script, String name, String type, Collection<String> addresses) {
        script.append("  set ").append(name).append(" {\n    type ").append(type).append(";\n");
        if (!addresses.isEmpty()) {
            script.append("    elements = { ").append(String.join(", ", addresses)).append(" }\n");
        }
        script.append("  }\n");
    }

    private static Collection<String> v4(Collection<String> addresses) {
        return addresses.stream().filter(a -> a.indexOf(':') < 0).collect(Collectors.toList());
    }

    private static Collection<String> v6(Collection<String> addresses) {
        return addresses.stream().filter(a -> a.indexOf(':') >= 0).collect(Collectors.toList());
    }
}
