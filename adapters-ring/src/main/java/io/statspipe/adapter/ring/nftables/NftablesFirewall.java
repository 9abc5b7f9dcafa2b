package io.statspipe.adapter.ring.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.domain.ring.Admission;
import io.statspipe.domain.ring.RingMember;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.ring.FirewallAdmissionPort;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ring's admission enforced by nftables on the member's own host: {@link NftablesRuleset}'s
 * script applied with {@code nft -f -}, read back with {@code nft -j list table}. The command is
 * given whole ({@code nft}, or {@code ip netns exec <ns> nft} to act inside a network namespace).
 */
public final class NftablesFirewall implements FirewallAdmissionPort {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> nft;

    public NftablesFirewall(List<String> nftCommand) {
        if (nftCommand.isEmpty()) {
            throw new IllegalArgumentException("the nft command must not be empty");
        }
        this.nft = List.copyOf(nftCommand);
    }

    @Override
    public void enforce(Admission admission) {
        Result result = run(List.of("-f", "-"), NftablesRuleset.render(admission));
        if (result.exitCode() != 0) {
            throw new EngineUnavailableException("nft refused the ring's rules for " + admission.member().id()
                    + " (exit " + result.exitCode() + "): " + result.output().strip());
        }
    }

    @Override
    public Admission enforced(RingMember member) {
        Result result = run(List.of("-j", "list", "table", "inet", NftablesRuleset.TABLE), "");
        if (result.exitCode() != 0) {
            // no table yet: nothing admitted by statspipe
            return new Admission(member, new TreeSet<>(), new TreeSet<>());
        }
        SortedSet<String> peers = new TreeSet<>();
        SortedSet<String> kairos = new TreeSet<>();
        try {
            for (JsonNode entry : JSON.readTree(result.output()).path("nftables")) {
                JsonNode set = entry.path("set");
                String name = set.path("name").asText("");
                SortedSet<String> into = name.startsWith(NftablesRuleset.MEMBERS) ? peers
                        : name.startsWith(NftablesRuleset.KAIROS) ? kairos : null;
                if (into != null) {
                    set.path("elem").forEach(element -> into.add(element.asText()));
                }
            }
        } catch (IOException e) {
            throw new EngineUnavailableException("cannot read nft's listing of table " + NftablesRuleset.TABLE, e);
        }
        return new Admission(member, peers, kairos);
    }

    private Result run(List<String> arguments, String input) {
        List<String> command = new ArrayList<>(nft);
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            throw new EngineUnavailableException("cannot run '" + String.join(" ", command) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }

    private record Result(int exitCode, String output) {
    }
}
