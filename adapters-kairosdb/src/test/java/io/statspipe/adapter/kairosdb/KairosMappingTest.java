package io.statspipe.adapter.kairosdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.KeepTags;
import io.statspipe.domain.Kind;
import io.statspipe.domain.MetricPattern;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.QuantileSketch;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KairosMappingTest {
    private static final Resolution TEN_SECONDS = new Resolution("10s", 10_000, Duration.ofDays(7));
    private final KairosMapping mapping = KairosMapping.finestEverywhere(Resolution.MINUTE);

    @Test
    void theFinestCounterLivesUnderItsOwnNameAndEverythingElseUnderDerivedNames() {
        assertThat(mapping.metricName("clicks", Kind.COUNTER, Resolution.MINUTE)).isEqualTo("clicks");
        assertThat(mapping.metricName("clicks", Kind.COUNTER, Resolution.HOUR)).isEqualTo("clicks:1h:count");
        assertThat(mapping.metricName("cpu", Kind.GAUGE, Resolution.MINUTE)).isEqualTo("cpu:1m:gauge");
        assertThat(mapping.metricName("latency", Kind.DISTRIBUTION, Resolution.HOUR)).isEqualTo("latency:1h:dist");
    }

    @Test
    void noDerivedNameCanBeAUsersMetricName() {
        for (Kind kind : Kind.values()) {
            String derived = mapping.metricName("api.requests", kind, Resolution.HOUR);
            assertThatThrownBy(() -> new Series(derived, io.statspipe.domain.Tags.none()))
                    .isInstanceOf(InvalidStatException.class);
        }
    }

    @Test
    void eachMetricsFinestResolutionIsThatOfTheRuleWritingIt() {
        RollupRule raw = RollupRule.identity("raw", List.of(TEN_SECONDS, Resolution.HOUR));
        RollupRule bySite = new RollupRule("by-site", MetricPattern.any(), Map.of(), KeepTags.only("site"),
                List.of(Resolution.HOUR), EnumSet.of(Aggregation.Type.COUNT), "{metric}.by_site");
        KairosMapping perRule = KairosMapping.forRules(new RuleSet(List.of(raw, bySite)));

        assertThat(perRule.metricName("clicks", Kind.COUNTER, TEN_SECONDS)).isEqualTo("clicks");
        assertThat(perRule.metricName("clicks.by_site", Kind.COUNTER, Resolution.HOUR)).isEqualTo("clicks.by_site");
        assertThat(perRule.metricName("clicks", Kind.COUNTER, Resolution.HOUR)).isEqualTo("clicks:1h:count");
    }

    @Test
    void storedNamesParseBackToTheirSeriesMetricAndKind() {
        assertThat(KairosMapping.parseMetric("clicks")).contains(new KairosMapping.Stored("clicks", Kind.COUNTER));
        assertThat(KairosMapping.parseMetric("clicks:1h:count")).contains(new KairosMapping.Stored("clicks", Kind.COUNTER));
        assertThat(KairosMapping.parseMetric("cpu:1m:gauge")).contains(new KairosMapping.Stored("cpu", Kind.GAUGE));
        assertThat(KairosMapping.parseMetric("lat:1m:dist")).contains(new KairosMapping.Stored("lat", Kind.DISTRIBUTION));
        assertThat(KairosMapping.parseMetric("cpu:1m:gauge.max")).isEmpty();
    }

    @Test
    void aBucketExpiresItsRetentionAfterItsEndWheneverItIsWritten() {
        PartialId id = new PartialId(Series.of("clicks"), Kind.COUNTER, Resolution.MINUTE,
                Resolution.MINUTE.bucketOf(600_000), Origin.ofPartition(0, 0, 0));
        long end = 660_000;
        long retention = Duration.ofDays(90).toMillis();

        assertThat(PartialPoints.ttlSeconds(id, end)).isEqualTo(retention / 1000);
        assertThat(PartialPoints.ttlSeconds(id, end + 3_600_000)).isEqualTo(retention / 1000 - 3600);
        assertThat(PartialPoints.ttlSeconds(id, end + retention + 5)).isEqualTo(1);
    }

    @Test
    void aPartialIsOnePointWhoseValueReadsBackAsTheSameAggregate() {
        qt().forAll(lists().of(doubles().between(-1e6, 1e6)).ofSizeBetween(1, 200), integers().between(1, 5))
                .checkAssert((values, weight) -> {
                    QuantileSketch.Builder builder = new QuantileSketch.Builder();
                    double sum = 0;
                    double min = Double.POSITIVE_INFINITY;
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : values) {
                        builder.add(v, weight);
                        sum += v * weight;
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    DistributionAggregate aggregate = new DistributionAggregate((long) values.size() * weight, sum, min,
                            max, builder.build());
                    Partial partial = new Partial(new PartialId(Series.of("lat", "page", "home"), Kind.DISTRIBUTION,
                            Resolution.MINUTE, Resolution.MINUTE.bucketOf(0), Origin.ofPartition(1, 2, 3)),
                            aggregate, EnumSet.of(Aggregation.Type.PERCENTILE));
                    List<DataPointRow> rows = new ArrayList<>();
                    new PartialPoints(mapping).addPoints(partial, 0, rows);

                    assertThat(rows).singleElement().satisfies(r -> {
                        assertThat(r.metric()).isEqualTo("lat:1m:dist");
                        assertThat(r.type()).contains(KairosPlugin.DIST_TYPE);
                        assertThat(r.tags()).containsExactlyEntriesOf(new TreeMap<>(Map.of("page", "home",
                                KairosMapping.SOURCE_TAG, "p1")));
                        assertThat(r.timestamp()).isEqualTo(partial.id().slot());
                        // through JSON text, as KairosDB sees it
                        com.google.gson.JsonElement text = com.google.gson.JsonParser.parseString(r.value().toString());
                        assertThat(AggregateJson.fromJson(Kind.DISTRIBUTION, text)).isEqualTo(aggregate);
                    });
                });
    }

    @Test
    void aGaugeReadsBackExactlyAndAnUnknownVersionIsRefused() {
        GaugeAggregate gauge = new GaugeAggregate(3, 0.1 + 0.2, -0.0, 1e300, 4.5, 1_700_000_000_123L);
        com.google.gson.JsonObject json = AggregateJson.toJson(gauge);

        assertThat(AggregateJson.fromJson(Kind.GAUGE, com.google.gson.JsonParser.parseString(json.toString())))
                .isEqualTo(gauge);
        json.addProperty("v", 2);
        assertThatThrownBy(() -> AggregateJson.fromJson(Kind.GAUGE, json)).hasMessageContaining("version 2");
        assertThatThrownBy(() -> AggregateJson.fromJson(Kind.GAUGE, new com.google.gson.JsonPrimitive(7)))
                .hasMessageContaining("is statspipe's KairosDB plugin installed?");
    }
}
