package io.statspipe.app.cli;

import io.statspipe.app.config.RollupRules;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code statspipe rules}: what {@code statspipe.rollup.rules} keeps. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "The rollup rules of a configuration (statspipe.rollup.rules).",
        subcommands = RulesCommand.Check.class)
public final class RulesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the configuration's rollup rules as start-up does (exit code 3 and the rule and key"
                    + " on a mistake), list them, and show for each sample series which rules match it and which"
                    + " series they write, at which resolutions.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--series", paramLabel = "METRIC[,TAG=VALUE...]",
                description = "A sample series, its metric then its tags, comma-separated:"
                        + " 'page.views,tenant=acme,site=a,user_id=7' (repeatable).")
        List<String> series = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Series> samples = new ArrayList<>();
            for (String s : series) {
                try {
                    samples.add(parseSeries(s));
                } catch (InvalidStatException e) {
                    err.println("statspipe rules check: --series '" + s + "': " + e.getMessage());
                    err.flush();
                    return 2;
                }
            }
            Settings settings = config.settings();
            RuleSet rules = settings.rollup().rules();
            out.printf("%s: %d rule%s, valid for a flush interval of %d ms%n", RollupRules.KEY, rules.rules().size(),
                    rules.rules().size() == 1 ? "" : "s", settings.topology().flushInterval().toMillis());
            for (RollupRule rule : rules.rules()) {
                out.printf("  %s: metrics %s%s, keeps %s, at %s, emits %s, writes under %s%n", rule.name(),
                        rule.metrics(), rule.where().isEmpty() ? "" : " where " + rule.where(), rule.keep(),
                        resolutions(rule), emits(rule), rule.output());
            }
            for (Series sample : samples) {
                out.printf("%s%n", sample);
                out.print(describe(rules, sample));
            }
            out.flush();
            return 0;
        }
    }

    /** What the rules do with the events of {@code series}, one line per rule that takes them. */
    static String describe(RuleSet rules, Series series) {
        Optional<RollupRule> owner = rules.reservedBy(series.metric());
        if (owner.isPresent()) {
            return "  refused as input: rule '" + owner.get().name() + "' writes metrics of this name\n";
        }
        List<RollupRule> matched = rules.matching(series);
        if (matched.isEmpty()) {
            return "  no rule matches: its events are accepted and kept nowhere\n";
        }
        StringBuilder b = new StringBuilder();
        for (RollupRule rule : matched) {
            b.append("  rule '").append(rule.name()).append("' writes ").append(rule.outputSeries(series))
                    .append(" at ").append(resolutions(rule)).append(" (").append(emits(rule)).append(")\n");
        }
        return b.toString();
    }

    /** {@code page.views,tenant=acme,site=a}: the metric, then tags as key=value, comma-separated. */
    static Series parseSeries(String text) {
        String[] parts = text.split(",", -1);
        TreeMap<String, String> tags = new TreeMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new InvalidStatException("'" + parts[i] + "' is not a tag key=value");
            }
            if (tags.put(parts[i].substring(0, eq), parts[i].substring(eq + 1)) != null) {
                throw new InvalidStatException("tag '" + parts[i].substring(0, eq) + "' given twice");
            }
        }
        return new Series(parts[0], Tags.of(tags));
    }

    private static String resolutions(RollupRule rule) {
        return rule.resolutions().stream().map(RulesCommand::resolution).collect(Collectors.joining(", "));
    }

    private static String resolution(Resolution r) {
        long s = r.retention().toSeconds();
        String kept = s % 86_400 == 0 ? s / 86_400 + "d" : s % 3_600 == 0 ? s / 3_600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
        return r.name() + " kept " + kept;
    }

    private static String emits(RollupRule rule) {
        return new TreeSet<>(rule.emits()).toString().toLowerCase(Locale.ROOT);
    }
}
