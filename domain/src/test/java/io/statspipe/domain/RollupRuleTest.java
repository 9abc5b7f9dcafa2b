package io.statspipe.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollupRuleTest {
    private static final EnumSet<Aggregation.Type> ALL = EnumSet.allOf(Aggregation.Type.class);

    private static RollupRule bySite(String metrics) {
        return new RollupRule("by-site", MetricPattern.of(metrics), Map.of(), KeepTags.only("site"),
                List.of(Resolution.HOUR), ALL, "{metric}.by_site");
    }

    @Test
    void aRuleMatchesByMetricGlobAndTagConditions() {
        RollupRule rule = new RollupRule("prod-api", MetricPattern.of("api.*"), Map.of("env", "prod*", "site", "*"),
                KeepTags.all(), List.of(Resolution.MINUTE), ALL, "{metric}.prod");

        assertThat(rule.matches(Series.of("api.requests", "env", "production", "site", "1"))).isTrue();
        assertThat(rule.matches(Series.of("api.requests.errors", "env", "prod", "site", "1"))).isTrue();
        assertThat(rule.matches(Series.of("api.requests", "env", "staging", "site", "1"))).isFalse();
        assertThat(rule.matches(Series.of("api.requests", "env", "prod"))).as("site must be present").isFalse();
        assertThat(rule.matches(Series.of("web.requests", "env", "prod", "site", "1"))).isFalse();
    }

    @Test
    void aRuleRollsAwayTheTagsItDoesNotKeepAndWritesUnderItsOwnName() {
        Series out = bySite("*").outputSeries(Series.of("clicks", "site", "42", "page", "home", "user", "u1"));

        assertThat(out).isEqualTo(Series.of("clicks.by_site", "site", "42"));
    }

    @Test
    void aRuleThatDropsTagsMayNotWriteUnderTheInputName() {
        assertThatThrownBy(() -> new RollupRule("bad", MetricPattern.any(), Map.of(), KeepTags.only("site"),
                List.of(Resolution.MINUTE), ALL, "{metric}"))
                .isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("rule 'bad' drops tags but writes under the input metric name")
                .hasMessageContaining("'{metric}.by_site'");
    }

    @Test
    void ruleSetsRefuseRulesThatCouldCountAnEventTwiceIntoOneSeries() {
        RollupRule raw = RollupRule.identity("raw", List.of(Resolution.MINUTE));
        assertThatThrownBy(() -> new RuleSet(List.of(raw, RollupRule.identity("raw2", List.of(Resolution.HOUR)))))
                .hasMessage("rule 'raw2' writes under '{metric}' like another rule: each rule needs an output name of its own");
        assertThatThrownBy(() -> new RuleSet(List.of(raw, raw))).hasMessage("rule name 'raw' is used twice");
        RollupRule bySiteAndPage = new RollupRule("by-site-page", MetricPattern.any(), Map.of(),
                KeepTags.only("site", "page"), List.of(Resolution.HOUR), ALL, "{metric}.x.by_site");
        assertThatThrownBy(() -> new RuleSet(List.of(bySite("*"), bySiteAndPage)))
                .hasMessageContaining("could write the same metric");
    }

    @Test
    void inputMetricsThatARuleWritesAreReservedForThatRule() {
        RuleSet rules = new RuleSet(List.of(RollupRule.identity("raw", List.of(Resolution.MINUTE)), bySite("*")));

        assertThat(rules.reservedBy("clicks.by_site")).map(RollupRule::name).contains("by-site");
        assertThat(rules.reservedBy("clicks")).isEmpty();
        assertThat(rules.reservedBy(".by_site")).as("the suffix alone is no output").isEmpty();
        assertThat(rules.matching(Series.of("clicks", "site", "1"))).extracting(RollupRule::name)
                .containsExactly("raw", "by-site");
    }

    @Test
    void theDefaultRulesKeepEverySeriesAtOneMinuteAndOneHour() {
        RuleSet defaults = RuleSet.defaults();
        Series s = Series.of("checkout.completed", "tenant", "acme");

        assertThat(defaults.matching(s)).hasSize(1);
        RollupRule raw = defaults.matching(s).get(0);
        assertThat(raw.outputSeries(s)).isEqualTo(s);
        assertThat(raw.resolutions()).containsExactly(Resolution.MINUTE, Resolution.HOUR);
        assertThat(defaults.finestResolution()).isEqualTo(Resolution.MINUTE);
    }

    @Test
    void aResolutionWithFewerSlotsThanFlushesIntoOneBucketIsRefused() {
        RuleSet tenSeconds = new RuleSet(List.of(RollupRule.identity("raw", List.of(Resolution.parse("10s:1d")))));

        // 6 h of horizon plus the bucket, one flush per 2 s: 10,806 flushes into 10,000 slots.
        assertThatThrownBy(() -> tenSeconds.requireDistinctSlots(Duration.ofSeconds(2), Duration.ofHours(6)))
                .isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("rule 'raw' resolution 10s is too fine")
                .hasMessageContaining("up to 10806 flushes")
                .hasMessageContaining("10000 slots")
                .hasMessageContaining("flush interval of at least 3 s");
        // One flush per 3 s: 7,204 flushes, each on a slot of its own.
        tenSeconds.requireDistinctSlots(Duration.ofSeconds(3), Duration.ofHours(6));
        RuleSet.defaults().requireDistinctSlots(Duration.ofSeconds(1), Duration.ofHours(6));
    }

    @Test
    void theFlushesIntoABucketCoverItsWidthAndTheHorizon() {
        assertThat(RollupRule.flushesInto(Resolution.MINUTE, Duration.ofSeconds(1), Duration.ofHours(6)))
                .isEqualTo(21_600 + 60 + 1);
        assertThat(RollupRule.flushesInto(Resolution.parse("10s"), Duration.ofSeconds(2), Duration.ofHours(6)))
                .isEqualTo(10_800 + 5 + 1);
    }
}
