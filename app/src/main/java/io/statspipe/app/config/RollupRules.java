package io.statspipe.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.KeepTags;
import io.statspipe.domain.MetricPattern;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code statspipe.rollup.rules}: the domain's {@link RollupRule}s written in HOCON, one object per
 * rule, and the {@link RuleSet} they make. Every mistake is a {@link ConfigurationException} that
 * names the rule and the key, with the domain's reason:
 *
 * <pre>
 * { name = "by-site", metrics = "page.*", where = { env = "prod*" }, keep-tags = [tenant, site],
 *   resolutions = ["10s:1d", "1h:730d"], emits = [count, sum], output = "{metric}.by_site" }
 * </pre>
 *
 * {@code where}, {@code keep-tags} (all tags when absent), {@code emits} (every aggregation when
 * absent) and {@code output} ({@code {metric}} when absent) are optional.
 *
 * @param rules    the rule set in force
 * @param rendered the rules as HOCON text, which a topology worker reads again ({@link #factory})
 */
public record RollupRules(RuleSet rules, String rendered) {
    /** The key the rules are read from. */
    public static final String KEY = "statspipe.rollup.rules";
    private static final List<String> RULE_KEYS = List.of("name", "metrics", "where", "keep-tags", "resolutions",
            "emits", "output");

    /**
     * Reads and validates the rules under {@code key}: each rule alone, then each against the
     * rules before it (so that a double count or a collision names the later rule), then each
     * resolution against the flush interval and the horizon ({@link RollupRule#requireDistinctSlots}).
     */
    static RollupRules read(Config c, Duration flushInterval, Duration horizon) {
        List<? extends ConfigObject> entries;
        try {
            entries = c.getObjectList(KEY);
        } catch (ConfigException e) {
            throw new ConfigurationException(KEY + " must be a list of rules { name = ..., metrics = ..., resolutions = [...] }",
                    e);
        }
        RollupRules read = parse(entries);
        for (int i = 0; i < read.rules().rules().size(); i++) {
            RollupRule rule = read.rules().rules().get(i);
            String where = at(i, rule.name());
            refuse(where + ".resolutions", () -> {
                rule.requireDistinctSlots(flushInterval, horizon);
                return rule;
            }, " (statspipe.topology.flush-interval = " + flushInterval.toMillis() + " ms)");
        }
        return read;
    }

    /** The rules HOCON text holds, as {@link #rendered} gives them. */
    public static RollupRules parse(String rendered) {
        return parse(ConfigFactory.parseString("rules = " + rendered).getObjectList("rules"));
    }

    private static RollupRules parse(List<? extends ConfigObject> entries) {
        List<RollupRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Config entry = entries.get(i).toConfig();
            RollupRule rule = rule(entry, i);
            String where = at(i, rule.name());
            if (!names.add(rule.name())) {
                throw new ConfigurationException(where + ".name: another rule has the name '" + rule.name() + "'");
            }
            rules.add(rule);
            List<RollupRule> sofar = List.copyOf(rules);
            refuse(where + ".output", () -> new RuleSet(sofar), "");
        }
        if (rules.isEmpty()) {
            throw new ConfigurationException(KEY + " is empty: at least one rule must say what is kept");
        }
        return new RollupRules(new RuleSet(rules), ConfigValueFactory.fromIterable(entries).render(ConfigRenderOptions.concise()));
    }

    private static RollupRule rule(Config entry, int i) {
        String name = entry.hasPath("name") ? string(entry, KEY + "[" + i + "].name", "name") : "";
        String where = name.isEmpty() ? KEY + "[" + i + "]" : at(i, name);
        for (String k : entry.root().keySet()) {
            if (!RULE_KEYS.contains(k)) {
                throw new ConfigurationException(where + ": unknown key '" + k + "'; a rule has only " + RULE_KEYS);
            }
        }
        for (String required : List.of("name", "metrics", "resolutions")) {
            if (!entry.hasPath(required)) {
                throw new ConfigurationException(where + "." + required + " is missing");
            }
        }
        MetricPattern metrics = refuse(where + ".metrics", () -> MetricPattern.of(string(entry, where + ".metrics",
                "metrics")), "");
        Map<String, String> conditions = conditions(entry, where + ".where");
        KeepTags keep = entry.hasPath("keep-tags")
                ? KeepTags.only(Set.copyOf(list(entry, where + ".keep-tags", "keep-tags"))) : KeepTags.all();
        List<String> specs = list(entry, where + ".resolutions", "resolutions");
        List<Resolution> resolutions = new ArrayList<>();
        for (int r = 0; r < specs.size(); r++) {
            String spec = specs.get(r);
            resolutions.add(refuse(where + ".resolutions[" + r + "] = '" + spec + "'", () -> Resolution.parse(spec), ""));
        }
        Set<Aggregation.Type> emits = entry.hasPath("emits") ? emits(entry, where + ".emits")
                : EnumSet.allOf(Aggregation.Type.class);
        String output = entry.hasPath("output") ? string(entry, where + ".output", "output") : RollupRule.METRIC_PLACEHOLDER;
        return refuse(where, () -> new RollupRule(name, metrics, conditions, keep, resolutions, emits, output), "");
    }

    private static Map<String, String> conditions(Config entry, String key) {
        if (!entry.hasPath("where")) {
            return Map.of();
        }
        Map<String, String> conditions = new TreeMap<>();
        try {
            for (Map.Entry<String, ConfigValue> e : entry.getConfig("where").entrySet()) {
                conditions.put(e.getKey(), entry.getConfig("where").getString(e.getKey()));
            }
        } catch (ConfigException e) {
            throw new ConfigurationException(key + " must be tag conditions { tag = \"value glob\" }", e);
        }
        return conditions;
    }

    private static Set<Aggregation.Type> emits(Config entry, String key) {
        Set<Aggregation.Type> emits = EnumSet.noneOf(Aggregation.Type.class);
        for (String name : list(entry, key, "emits")) {
            try {
                emits.add(Aggregation.Type.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(key + ": '" + name + "' is not an aggregation "
                        + EnumSet.allOf(Aggregation.Type.class).toString().toLowerCase(Locale.ROOT), e);
            }
        }
        return emits;
    }

    private static String string(Config entry, String key, String path) {
        try {
            return entry.getString(path);
        } catch (ConfigException e) {
            throw new ConfigurationException(key + " must be a string", e);
        }
    }

    private static List<String> list(Config entry, String key, String path) {
        try {
            return entry.getStringList(path);
        } catch (ConfigException e) {
            throw new ConfigurationException(key + " must be a list of strings", e);
        }
    }

    private static String at(int i, String name) {
        return KEY + "[" + i + "] (rule '" + name + "')";
    }

    /** Runs a domain constructor; its refusal becomes a configuration error naming {@code key}. */
    private static <T> T refuse(String key, Supplier<T> make, String suffix) {
        try {
            return make.get();
        } catch (InvalidStatException e) {
            throw new ConfigurationException(key + ": " + e.getMessage() + suffix, e);
        }
    }

    /** Builds these rules again where they are used (a topology worker): Storm serializes only the text. */
    public TopologyPlugs.Factory<RuleSet> factory() {
        String text = rendered;
        return () -> parse(text).rules();
    }
}
