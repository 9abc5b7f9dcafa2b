package io.statspipe.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rollup rules in force. Validated so that no event can be counted twice into one output
 * series: rule names and output names are unique, at most one rule writes under the input
 * metric name, output names of different rules cannot produce the same metric, and an input
 * metric that a rule could write is refused as input ({@link #reservedBy}).
 */
public record RuleSet(List<RollupRule> rules) {

    public RuleSet {
        rules = List.copyOf(rules);
        if (rules.isEmpty()) {
            throw new InvalidStatException("a rule set needs at least one rule");
        }
        Set<String> names = new HashSet<>();
        Set<String> outputs = new HashSet<>();
        for (RollupRule rule : rules) {
            if (!names.add(rule.name())) {
                throw new InvalidStatException("rule name '" + rule.name() + "' is used twice");
            }
            if (!outputs.add(rule.output())) {
                throw new InvalidStatException("rule '" + rule.name() + "' writes under '" + rule.output()
                        + "' like another rule: each rule needs an output name of its own");
            }
        }
        for (RollupRule a : rules) {
            for (RollupRule b : rules) {
                if (a != b && !a.writesUnderInputName() && !b.writesUnderInputName() && outputsOverlap(a, b)) {
                    throw new InvalidStatException("rules '" + a.name() + "' and '" + b.name()
                            + "' could write the same metric ('" + a.output() + "' and '" + b.output()
                            + "'): give one a distinct prefix or suffix");
                }
            }
        }
    }

    /** The rule set users get without configuring anything: every series at 1m and 1h under its own name. */
    public static RuleSet defaults() {
        return new RuleSet(List.of(RollupRule.identity("raw", List.of(Resolution.MINUTE, Resolution.HOUR))));
    }

    public List<RollupRule> matching(Series series) {
        List<RollupRule> matched = new ArrayList<>(2);
        for (RollupRule rule : rules) {
            if (rule.matches(series)) {
                matched.add(rule);
            }
        }
        return matched;
    }

    /**
     * The rule that writes metrics of this name, if any (other than under the input's own name).
     * Input series with such a name are refused: counting them would mix raw events into a
     * rollup's output.
     */
    public Optional<RollupRule> reservedBy(String metric) {
        for (RollupRule rule : rules) {
            if (!rule.writesUnderInputName() && rule.couldWrite(metric)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** Refuses a resolution too fine for the flush interval and horizon (see {@link RollupRule#requireDistinctSlots}). */
    public void requireDistinctSlots(Duration flushInterval, Duration horizon) {
        rules.forEach(rule -> rule.requireDistinctSlots(flushInterval, horizon));
    }

    /**
     * The rule whose output a query of {@code metric} reads: the rule that reserves the name, else
     * the rule that writes series under their input names, if any.
     */
    public Optional<RollupRule> writerOf(String metric) {
        return reservedBy(metric).or(this::underInputName);
    }

    /** The rule that writes series under their input names (the raw series), if any. */
    public Optional<RollupRule> underInputName() {
        return rules.stream().filter(RollupRule::writesUnderInputName).findFirst();
    }

    /** The finest resolution any rule writes. */
    public Resolution finestResolution() {
        return rules.stream().flatMap(r -> r.resolutions().stream()).min(Resolution::compareTo).orElseThrow();
    }

    private static boolean outputsOverlap(RollupRule a, RollupRule b) {
        String[] pa = affixes(a.output());
        String[] pb = affixes(b.output());
        if (pa.length == 1 || pb.length == 1) {
            String fixed = pa.length == 1 ? pa[0] : pb[0];
            RollupRule other = pa.length == 1 ? b : a;
            return other.couldWrite(fixed);
        }
        boolean prefixes = pa[0].startsWith(pb[0]) || pb[0].startsWith(pa[0]);
        boolean suffixes = pa[1].endsWith(pb[1]) || pb[1].endsWith(pa[1]);
        return prefixes && suffixes;
    }

    /** {prefix, suffix} around {metric}, or {name} for a fixed output name. */
    private static String[] affixes(String output) {
        int at = output.indexOf(RollupRule.METRIC_PLACEHOLDER);
        return at < 0 ? new String[] {output}
                : new String[] {output.substring(0, at), output.substring(at + RollupRule.METRIC_PLACEHOLDER.length())};
    }
}
