package io.statspipe.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.KeepTags;
import io.statspipe.domain.MetricPattern;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code statspipe.rollup.rules}: the domain's rules in HOCON, refused at start naming the rule and the key. */
public class RollupRulesTest {
    /** The two rules of the configuration reference: raw series, and per-site totals of pages. */
    public static final String TWO_RULES = """
            statspipe.rollup.rules = [
              { name = "raw", metrics = "*", resolutions = ["1m:90d", "1h:1098d"] }
              { name = "by-site", metrics = "page.*", keep-tags = [tenant, site],
                resolutions = ["10s:1d", "1h:730d"], emits = [count, sum], output = "{metric}.by_site" }
            ]
            """;

    @TempDir
    Path dir;

    private Settings load(String conf, Map<String, String> overrides) throws IOException {
        Path file = dir.resolve("statspipe.conf");
        Files.writeString(file, conf);
        return SettingsLoaderTest.load(Optional.of(file), Map.of(), Map.of(), overrides);
    }

    @Test
    void withoutConfigurationTheRulesAreTheDomainDefaults() {
        assertThat(SettingsLoaderTest.defaults().rollup().rules()).isEqualTo(RuleSet.defaults());
    }

    @Test
    void theTwoRulesOfTheReferenceBecomeTheDomainsRules() throws IOException {
        Settings s = load(TWO_RULES, Map.of("statspipe.topology.flush-interval", "3s"));

        RuleSet expected = new RuleSet(List.of(
                RollupRule.identity("raw", List.of(Resolution.MINUTE, Resolution.HOUR)),
                new RollupRule("by-site", MetricPattern.of("page.*"), Map.of(), KeepTags.only("tenant", "site"),
                        List.of(new Resolution("10s", 10_000, Duration.ofDays(1)),
                                new Resolution("1h", 3_600_000, Duration.ofDays(730))),
                        EnumSet.of(Aggregation.Type.COUNT, Aggregation.Type.SUM), "{metric}.by_site")));
        assertThat(s.rollup().rules()).isEqualTo(expected);
        // What a topology worker builds from the factory Storm serialized is the same rule set.
        assertThat(serializedAndBack(s.rollup().factory()).get()).isEqualTo(expected);
    }

    @SuppressWarnings("unchecked")
    private static <T> T serializedAndBack(T value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void tagConditionsAreRead() throws IOException {
        Settings s = load("""
                statspipe.rollup.rules = [
                  { name = "prod", metrics = "api.*", where = { env = "prod*", site = "*" }, resolutions = ["1m"] }
                ]
                """, Map.of());

        assertThat(s.rollup().rules().rules().get(0).where()).isEqualTo(Map.of("env", "prod*", "site", "*"));
    }

    @Test
    void aRuleThatWouldCountTwiceIsRefusedNamingTheRuleAndTheKey() {
        assertThatThrownBy(() -> load("""
                statspipe.rollup.rules = [
                  { name = "raw", metrics = "*", resolutions = ["1m:90d"] }
                  { name = "pages", metrics = "page.*", resolutions = ["1h:30d"] }
                ]
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[1] (rule 'pages').output")
                .hasMessageContaining("writes under '{metric}' like another rule");
        assertThatThrownBy(() -> load("""
                statspipe.rollup.rules = [
                  { name = "by-site", metrics = "page.*", keep-tags = [site], resolutions = ["1m"] }
                ]
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[0] (rule 'by-site')")
                .hasMessageContaining("drops tags but writes under the input metric name");
    }

    @Test
    void anUnknownKeyInARuleIsRefusedNamingIt() {
        assertThatThrownBy(() -> load("""
                statspipe.rollup.rules = [
                  { name = "by-site", metrics = "page.*", keep_tags = [site], resolutions = ["1m"], output = "{metric}.s" }
                ]
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[0] (rule 'by-site'): unknown key 'keep_tags'");
    }

    @Test
    void aBadResolutionIsRefusedNamingTheRuleAndTheKey() {
        assertThatThrownBy(() -> load("""
                statspipe.rollup.rules = [ { name = "raw", metrics = "*", resolutions = ["1m:90d", "7s:1d"] } ]
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[0] (rule 'raw').resolutions[1] = '7s:1d'")
                .hasMessageContaining("must be at least 1 s and divide a day exactly");
        assertThatThrownBy(() -> load("""
                statspipe.rollup.rules = [ { name = "raw", metrics = "*", resolutions = ["1m:90x"] } ]
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[0] (rule 'raw').resolutions[0] = '1m:90x'");
    }

    @Test
    void aResolutionTooFineForTheHorizonAndFlushIntervalIsRefused() {
        // The default flush interval (2 s) lets 10,806 flushes into a 10 s bucket of 10,000 slots.
        assertThatThrownBy(() -> load(TWO_RULES, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[1] (rule 'by-site').resolutions")
                .hasMessageContaining("resolution 10s is too fine")
                .hasMessageContaining("statspipe.topology.flush-interval = 2000 ms");
    }

    @Test
    void rulesThatCouldWriteTheSameMetricAreRefused() {
        assertThatThrownBy(() -> load("""
                statspipe.rollup.rules = [
                  { name = "raw", metrics = "*", resolutions = ["1m"] }
                  { name = "by-site", metrics = "page.*", keep-tags = [site], resolutions = ["1h"], output = "{metric}.by_site" }
                  { name = "totals", metrics = "*", keep-tags = [tenant], resolutions = ["1h"], output = "totals.{metric}" }
                ]
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[2] (rule 'totals').output")
                .hasMessageContaining("could write the same metric");
        assertThatThrownBy(() -> load("""
                statspipe.rollup.rules = [
                  { name = "a", metrics = "*", resolutions = ["1m"] }
                  { name = "a", metrics = "page.*", keep-tags = [site], resolutions = ["1h"], output = "{metric}.by_site" }
                ]
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[1] (rule 'a').name: another rule has the name 'a'");
    }

    @Test
    void anEmptyRuleListOrAMissingKeyIsRefused() {
        assertThatThrownBy(() -> load("statspipe.rollup.rules = []\n", Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("statspipe.rollup.rules is empty");
        assertThatThrownBy(() -> load("statspipe.rollup.rules = [ { name = raw, metrics = \"*\" } ]\n", Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statspipe.rollup.rules[0] (rule 'raw').resolutions is missing");
    }
}
