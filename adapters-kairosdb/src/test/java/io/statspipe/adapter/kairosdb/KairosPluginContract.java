package io.statspipe.adapter.kairosdb;

import static io.statspipe.adapter.kairosdb.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * statspipe's KairosDB plugin in a real KairosDB server: partials of several flushes and
 * partitions pushed as {@code statspipe_dist} / {@code statspipe_gauge} points, read back through
 * KairosDB's own query API with each {@code statspipe_*} aggregator, against what the domain
 * computes by merging the same aggregates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KairosPluginContract {
    static final long MINUTE = 60_000;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Two whole minutes, an hour ago. */
    static final long T0 = (System.currentTimeMillis() - 3_600_000) / MINUTE * MINUTE;
    static final List<String> SITES = List.of("a", "b");
    static final List<String> SOURCES = List.of("p0", "p1");
    static final int FLUSHES = 3;

    abstract String kairosUrl();

    final String metric = "plugin.test." + Long.toString(System.nanoTime(), 36);
    /** minute -> site -> the partials of that bucket, per kind. */
    final Map<Integer, Map<String, List<Aggregate>>> dists = new TreeMap<>();
    final Map<Integer, Map<String, List<Aggregate>>> gauges = new TreeMap<>();
    /** The body that pushed them all. */
    String pushed;

    @BeforeAll
    void pushAll() throws Exception {
        pushPartials();
    }

    void pushPartials() throws Exception {
        Random random = new Random(7);
        StringBuilder body = new StringBuilder("[");
        for (int minute = 0; minute < 2; minute++) {
            for (String site : SITES) {
                for (int s = 0; s < SOURCES.size(); s++) {
                    List<String> distPoints = new ArrayList<>();
                    List<String> gaugePoints = new ArrayList<>();
                    for (int flush = 0; flush < FLUSHES; flush++) {
                        // a partial's slot inside its minute: by flush and stream
                        long slot = T0 + minute * MINUTE + flush * 7_000 + s * 13 + 1;
                        Aggregate dist = null;
                        Aggregate gauge = null;
                        for (int i = 0; i < 40 + random.nextInt(40); i++) {
                            double v = random.nextInt(10) == 0 ? 0 : random.nextGaussian() * 250 + 30;
                            Aggregate d = DistributionAggregate.of(v);
                            // last_at ties across partials: the larger value must win
                            Aggregate g = GaugeAggregate.of(v, T0 + minute * MINUTE + 20_000 + random.nextInt(3));
                            dist = dist == null ? d : dist.merge(d);
                            gauge = gauge == null ? g : gauge.merge(g);
                        }
                        dists.computeIfAbsent(minute, k -> new TreeMap<>()).computeIfAbsent(site, k -> new ArrayList<>())
                                .add(dist);
                        gauges.computeIfAbsent(minute, k -> new TreeMap<>()).computeIfAbsent(site, k -> new ArrayList<>())
                                .add(gauge);
                        distPoints.add("[" + slot + "," + json(dist) + "]");
                        gaugePoints.add("[" + slot + "," + json(gauge) + "]");
                    }
                    String tags = "{\"site\":\"" + site + "\",\"_src\":\"" + SOURCES.get(s) + "\"}";
                    body.append(body.length() > 1 ? "," : "")
                            .append("{\"name\":\"").append(metric).append(".dist\",\"tags\":").append(tags)
                            .append(",\"type\":\"").append(KairosPlugin.DIST_TYPE).append("\",\"datapoints\":")
                            .append(distPoints).append("},")
                            .append("{\"name\":\"").append(metric).append(".gauge\",\"tags\":").append(tags)
                            .append(",\"type\":\"").append(KairosPlugin.GAUGE_TYPE).append("\",\"datapoints\":")
                            .append(gaugePoints).append('}');
                }
            }
        }
        body.append(']');
        pushed = body.toString();
        HttpResponse<String> push = post("/api/v1/datapoints", pushed);
        assertThat(push.statusCode()).as(push.body()).isEqualTo(204);
        // visible once the count of every bucket is there
        long expectedCount = dists.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream)
                .mapToLong(Aggregate::count).sum();
        await("all pushed distribution points visible", () -> total(metric + ".dist") == expectedCount);
        long expectedGauges = gauges.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream)
                .mapToLong(Aggregate::count).sum();
        await("all pushed gauge points visible", () -> total(metric + ".gauge") == expectedGauges);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void requireInstalledPassesOnThisServer() {
        KairosPlugin.requireInstalled(kairosUrl());
        KairosPlugin.requireInstalled(kairosUrl() + "/");
    }

    @Test
    void requireInstalledSaysWhatToInstallWhereTheAggregatorsAreMissing() {
        // the same server under a path that serves nothing: a KairosDB without the features
        assertThatThrownBy(() -> KairosPlugin.requireInstalled(kairosUrl() + "/elsewhere"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not have statspipe's KairosDB plugin")
                .hasMessageContaining("kairosdb-plugin-0.1.0-SNAPSHOT.jar").hasMessageContaining("lib/")
                .hasMessageContaining("kairosdb.service.statspipe: \"io.statspipe.kairosdb.plugin.StatspipePluginModule\"")
                .hasMessageContaining("kairosdb.datapoints.factory.statspipe_dist");
    }

    @Test
    void theAggregatorsAreListedAmongKairosDbsFeatures() throws Exception {
        HttpResponse<String> features = get("/api/v1/features/aggregators");
        assertThat(features.statusCode()).isEqualTo(200);
        Map<String, JsonObject> byName = new LinkedHashMap<>();
        for (JsonElement e : JsonParser.parseString(features.body()).getAsJsonArray()) {
            byName.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject());
        }
        assertThat(byName).containsKeys(KairosPlugin.AGGREGATORS.toArray(String[]::new));
        assertThat(byName.get(KairosPlugin.PERCENTILE).toString()).contains("\"percentile\"").contains("\"sampling\"");
    }

    @Test
    void withoutAnAggregatorEachPointComesBackAsItsCanonicalJson() throws Exception {
        JsonArray results = query(metric + ".gauge", null, Map.of("site", "a", "_src", "p1"), List.of());
        List<Aggregate> read = new ArrayList<>();
        for (JsonElement v : results.get(0).getAsJsonObject().getAsJsonArray("values")) {
            read.add(aggregate(v.getAsJsonArray().get(1).getAsJsonObject()));
            assertThat(JsonParser.parseString(json(read.get(read.size() - 1)))).isEqualTo(v.getAsJsonArray().get(1));
        }
        List<Aggregate> pushed = new ArrayList<>();
        for (int minute = 0; minute < 2; minute++) {
            pushed.addAll(gauges.get(minute).get("a").subList(FLUSHES, 2 * FLUSHES)); // p1's partials
        }
        assertThat(read).isEqualTo(pushed);
    }

    @Test
    void everyAggregatorAnswersWhatTheDomainComputes() throws Exception {
        checkAll(metric + ".dist", dists, List.of("count", "sum", "avg", "min", "max", "p50", "p90", "p99", "p99.9"));
        checkAll(metric + ".gauge", gauges, List.of("count", "sum", "avg", "min", "max", "last"));
    }

    @Test
    void mergeMergesEachBucketIntoOnePointTheDomainWouldMake() throws Exception {
        for (var kind : List.of(Map.entry(metric + ".dist", dists), Map.entry(metric + ".gauge", gauges))) {
            // all sites, and grouped by site
            Map<String, List<Aggregate>> expectedAll = expected(kind.getValue(), null);
            JsonArray all = query(kind.getKey(), KairosPlugin.MERGE, Map.of(), List.of());
            assertMerged(all.get(0).getAsJsonObject(), expectedAll.get(""));
            Map<String, List<Aggregate>> bySite = expected(kind.getValue(), "site");
            for (JsonElement group : query(kind.getKey(), KairosPlugin.MERGE, Map.of(), List.of("site"))) {
                String site = group.getAsJsonObject().getAsJsonObject("tags").getAsJsonArray("site").get(0).getAsString();
                assertMerged(group.getAsJsonObject(), bySite.get(site));
            }
        }
    }

    @Test
    void replayingPartialsWithTheSameValuesChangesNothing() throws Exception {
        long before = total(metric + ".dist");
        long gaugesBefore = total(metric + ".gauge");
        String marker = "{\"name\":\"" + metric + ".marker\",\"tags\":{\"_src\":\"p0\"},\"datapoints\":[[" + T0 + ",1]]}";
        // the replay, then a marker in the same request: once the marker is visible, so is the replay
        HttpResponse<String> push = post("/api/v1/datapoints", pushed.substring(0, pushed.length() - 1) + "," + marker + "]");
        assertThat(push.statusCode()).as(push.body()).isEqualTo(204);
        await("marker visible", () -> {
            try {
                return query(metric + ".marker", null, Map.of(), List.of()).get(0).getAsJsonObject()
                        .getAsJsonArray("values").size() == 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(total(metric + ".dist")).isEqualTo(before);
        assertThat(total(metric + ".gauge")).isEqualTo(gaugesBefore);
        assertMerged(query(metric + ".dist", KairosPlugin.MERGE, Map.of(), List.of()).get(0).getAsJsonObject(),
                expected(dists, null).get(""));
    }

    @Test
    void aBadValueIsRefusedWithHttp400AndTheReason() throws Exception {
        String tags = "{\"site\":\"a\",\"_src\":\"p9\"}";
        String badCount = "[{\"name\":\"" + metric + ".bad\",\"tags\":" + tags + ",\"type\":\"statspipe_dist\","
                + "\"datapoints\":[[" + T0 + ",{\"v\":1,\"count\":3,\"sum\":2.0,\"min\":1.0,\"max\":1.0,\"zero\":0,"
                + "\"pos\":[[0,2]],\"neg\":[]}]]}]";
        HttpResponse<String> response = post("/api/v1/datapoints", badCount);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid statspipe_dist value")
                .contains("sketch must count the same 3 samples, got 2");

        String unknownVersion = "[{\"name\":\"" + metric + ".bad\",\"tags\":" + tags + ",\"type\":\"statspipe_gauge\","
                + "\"datapoints\":[[" + T0 + ",{\"v\":2,\"count\":1,\"sum\":1,\"min\":1,\"max\":1,\"last\":1,"
                + "\"last_at\":1}]]}]";
        response = post("/api/v1/datapoints", unknownVersion);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("unknown version v=2");

        String missingField = unknownVersion.replace("\"v\":2", "\"v\":1").replace(",\"last_at\":1", "");
        response = post("/api/v1/datapoints", missingField);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("misses field 'last_at'");
    }

    @Test
    void anAggregatorThatDoesNotFitTheTypeFailsTheQueryWithTheReason() throws Exception {
        HttpResponse<String> response = post("/api/v1/datapoints/query", queryBody(metric + ".dist",
                aggregator(KairosPlugin.LAST), Map.of(), List.of()));
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("statspipe_last does not apply to statspipe_dist data points");

        response = post("/api/v1/datapoints/query", queryBody(metric + ".dist",
                aggregator(KairosPlugin.PERCENTILE).replace("\"percentile\":0.5", "\"percentile\":0"), Map.of(),
                List.of()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("percentile").contains("must be greater than 0 and at most 1");
    }

    /**
     * The promise to a Grafana or KairosDB-UI user: asking KairosDB itself, with the plugin's
     * aggregators, gives per minute the numbers statspipe's own query API gives, for the same
     * partials written by statspipe's store (several flushes and partitions per bucket).
     */
    @Test
    void kairosDbsOwnQueryAnswersWhatStatspipesQueryApiAnswers() throws Exception {
        String name = metric + ".api";
        List<Partial> partials = new ArrayList<>();
        for (var kind : List.of(Map.entry(Kind.DISTRIBUTION, dists), Map.entry(Kind.GAUGE, gauges))) {
            kind.getValue().forEach((minute, bySite) -> bySite.forEach((site, aggregates) -> {
                for (int i = 0; i < aggregates.size(); i++) {
                    int partition = i / FLUSHES;
                    int flush = i % FLUSHES;
                    partials.add(new Partial(new PartialId(Series.of(name, "site", site), kind.getKey(),
                            Resolution.MINUTE, Resolution.MINUTE.bucketOf(T0 + minute * MINUTE),
                            Origin.ofPartition(partition, flush, flush * 100L)), aggregates.get(i),
                            EnumSet.of(Aggregation.Type.COUNT)));
                }
            }));
        }
        try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(kairosUrl()))) {
            store.write(partials);
            await("statspipe's points read back", () -> store.unconfirmed(partials).isEmpty());
            TimeRange range = new TimeRange(T0, T0 + 2 * MINUTE);
            for (var kind : List.of(Map.entry(Kind.DISTRIBUTION, List.of("count", "sum", "avg", "min", "max", "p50", "p99")),
                    Map.entry(Kind.GAUGE, List.of("count", "sum", "avg", "min", "max", "last")))) {
                String kairosMetric = name + ":1m:" + (kind.getKey() == Kind.GAUGE ? "gauge" : "dist");
                for (String text : kind.getValue()) {
                    Aggregation aggregation = Aggregation.parse(text);
                    String aggregator = aggregator(aggregation.type() == Aggregation.Type.PERCENTILE
                            ? KairosPlugin.PERCENTILE : "statspipe_" + aggregation)
                            .replace("\"percentile\":0.5", "\"percentile\":" + aggregation.quantile());
                    StatsQuery all = StatsQuery.of(name, kind.getKey(), range, Resolution.MINUTE, aggregation);
                    sameAnswer(aggregation, store.query(all).get(0),
                            query(kairosMetric, aggregator, Map.of(), List.of()).get(0).getAsJsonObject());
                    List<SeriesResult> bySite = store.query(all.groupedBy("site"));
                    JsonArray kairosBySite = query(kairosMetric, aggregator, Map.of(), List.of("site"));
                    assertThat(bySite).hasSize(SITES.size());
                    for (JsonElement group : kairosBySite) {
                        String site = group.getAsJsonObject().getAsJsonObject("tags").getAsJsonArray("site").get(0)
                                .getAsString();
                        SeriesResult ours = bySite.stream().filter(r -> r.group().asMap().get("site").equals(site))
                                .findFirst().orElseThrow();
                        sameAnswer(aggregation, ours, group.getAsJsonObject());
                    }
                }
            }
        }
    }

    static void sameAnswer(Aggregation aggregation, SeriesResult statspipe, JsonObject kairos) {
        JsonArray values = kairos.getAsJsonArray("values");
        assertThat(statspipe.points()).as(aggregation.toString()).hasSize(values.size()).hasSize(2);
        for (int minute = 0; minute < values.size(); minute++) {
            JsonArray point = values.get(minute).getAsJsonArray();
            double ours = statspipe.points().get(minute).value();
            assertThat(statspipe.points().get(minute).bucketStart()).isEqualTo(point.get(0).getAsLong());
            if (aggregation.type() == Aggregation.Type.SUM || aggregation.type() == Aggregation.Type.AVG) {
                // both merge the same partials, possibly in another order: a sum of doubles differs in its last bits
                assertThat(point.get(1).getAsDouble()).as(aggregation.toString()).isCloseTo(ours, within(1e-9 * Math.abs(ours)));
            } else {
                assertThat(point.get(1).getAsDouble()).as(aggregation.toString()).isEqualTo(ours);
            }
        }
    }

    // ------------------------------------------------------------------ checks

    void checkAll(String name, Map<Integer, Map<String, List<Aggregate>>> pushed, List<String> aggregations)
            throws Exception {
        for (String text : aggregations) {
            Aggregation aggregation = Aggregation.parse(text);
            String aggregator = switch (aggregation.type()) {
                case PERCENTILE -> KairosPlugin.PERCENTILE;
                default -> "statspipe_" + aggregation;
            };
            String body = aggregator(aggregator).replace("\"percentile\":0.5",
                    "\"percentile\":" + aggregation.quantile());
            // every series; one site (a tag filter); grouped by site
            check(aggregation, query(name, body, Map.of(), List.of()).get(0).getAsJsonObject(), expected(pushed, null).get(""));
            check(aggregation, query(name, body, Map.of("site", "b"), List.of()).get(0).getAsJsonObject(),
                    expected(pushed, "site").get("b"));
            JsonArray groups = query(name, body, Map.of(), List.of("site"));
            assertThat(groups).hasSize(SITES.size());
            Map<String, List<Aggregate>> bySite = expected(pushed, "site");
            for (JsonElement group : groups) {
                String site = group.getAsJsonObject().getAsJsonObject("tags").getAsJsonArray("site").get(0).getAsString();
                check(aggregation, group.getAsJsonObject(), bySite.get(site));
            }
        }
    }

    /** One merged aggregate per minute, for every series (key "") or per site. */
    static Map<String, List<Aggregate>> expected(Map<Integer, Map<String, List<Aggregate>>> pushed, String groupBy) {
        Map<String, List<Aggregate>> out = new TreeMap<>();
        for (Map.Entry<Integer, Map<String, List<Aggregate>>> minute : pushed.entrySet()) {
            for (Map.Entry<String, List<Aggregate>> site : minute.getValue().entrySet()) {
                String key = groupBy == null ? "" : site.getKey();
                List<Aggregate> perMinute = out.computeIfAbsent(key, k -> new ArrayList<>());
                Aggregate merged = site.getValue().stream().reduce(Aggregate::merge).orElseThrow();
                if (perMinute.size() > minute.getKey()) {
                    perMinute.set(minute.getKey(), perMinute.get(minute.getKey()).merge(merged));
                } else {
                    perMinute.add(merged);
                }
            }
        }
        return out;
    }

    static void check(Aggregation aggregation, JsonObject result, List<Aggregate> expected) {
        JsonArray values = result.getAsJsonArray("values");
        assertThat(values).as(aggregation + " " + result).hasSize(expected.size());
        for (int minute = 0; minute < expected.size(); minute++) {
            JsonArray point = values.get(minute).getAsJsonArray();
            assertThat(point.get(0).getAsLong()).isEqualTo(T0 + minute * MINUTE);
            Aggregate merged = expected.get(minute);
            switch (aggregation.type()) {
                case COUNT -> assertThat(point.get(1).getAsJsonPrimitive().getAsBigDecimal().longValueExact())
                        .isEqualTo(merged.count());
                case SUM, AVG -> assertThat(point.get(1).getAsDouble()).as(aggregation.toString())
                        .isCloseTo(merged.value(aggregation), within(1e-9 * Math.abs(merged.value(aggregation))));
                default -> assertThat(point.get(1).getAsDouble()).as(aggregation.toString())
                        .isEqualTo(merged.value(aggregation));
            }
        }
    }

    static void assertMerged(JsonObject result, List<Aggregate> expected) {
        JsonArray values = result.getAsJsonArray("values");
        assertThat(values).hasSize(expected.size());
        for (int minute = 0; minute < expected.size(); minute++) {
            JsonArray point = values.get(minute).getAsJsonArray();
            assertThat(point.get(0).getAsLong()).isEqualTo(T0 + minute * MINUTE);
            Aggregate read = aggregate(point.get(1).getAsJsonObject());
            Aggregate merged = expected.get(minute);
            assertThat(read.count()).isEqualTo(merged.count());
            assertThat(read.value(Aggregation.SUM)).isCloseTo(merged.value(Aggregation.SUM),
                    within(1e-9 * Math.abs(merged.value(Aggregation.SUM))));
            assertThat(read.value(Aggregation.MIN)).isEqualTo(merged.value(Aggregation.MIN));
            assertThat(read.value(Aggregation.MAX)).isEqualTo(merged.value(Aggregation.MAX));
            if (read instanceof DistributionAggregate d) {
                assertThat(d.sketch()).isEqualTo(((DistributionAggregate) merged).sketch());
            } else {
                GaugeAggregate g = (GaugeAggregate) read;
                assertThat(g.last()).isEqualTo(((GaugeAggregate) merged).last());
                assertThat(g.lastAt()).isEqualTo(((GaugeAggregate) merged).lastAt());
            }
        }
    }

    // ------------------------------------------------------------------ JSON and HTTP

    /** The value of a statspipe_dist / statspipe_gauge point, as statspipe's store writes it. */
    static String json(Aggregate aggregate) {
        return AggregateJson.toJson(aggregate).toString();
    }

    /** A point's value read back as statspipe's store reads it. */
    static Aggregate aggregate(JsonObject o) {
        return AggregateJson.fromJson(o.has("zero") ? Kind.DISTRIBUTION : Kind.GAUGE, o);
    }

    static String aggregator(String name) {
        return "{\"name\":\"" + name + "\",\"sampling\":{\"value\":1,\"unit\":\"minutes\"},\"align_start_time\":true"
                + (name.equals(KairosPlugin.PERCENTILE) ? ",\"percentile\":0.5" : "") + "}";
    }

    static String queryBody(String name, String aggregator, Map<String, String> tags, List<String> groupBy) {
        StringBuilder q = new StringBuilder("{\"start_absolute\":").append(T0).append(",\"end_absolute\":")
                .append(T0 + 2 * MINUTE - 1).append(",\"metrics\":[{\"name\":\"").append(name).append('"');
        if (!tags.isEmpty()) {
            List<String> filters = new ArrayList<>();
            tags.forEach((k, v) -> filters.add("\"" + k + "\":[\"" + v + "\"]"));
            q.append(",\"tags\":{").append(String.join(",", filters)).append('}');
        }
        if (!groupBy.isEmpty()) {
            q.append(",\"group_by\":[{\"name\":\"tag\",\"tags\":[\"").append(String.join("\",\"", groupBy))
                    .append("\"]}]");
        }
        if (aggregator != null) {
            q.append(",\"aggregators\":[").append(aggregator).append(']');
        }
        return q.append("}]}").toString();
    }

    JsonArray query(String name, String aggregator, Map<String, String> tags, List<String> groupBy) throws Exception {
        String a = aggregator == null || aggregator.startsWith("{") ? aggregator : aggregator(aggregator);
        HttpResponse<String> response = post("/api/v1/datapoints/query", queryBody(name, a, tags, groupBy));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("queries").get(0)
                .getAsJsonObject().getAsJsonArray("results");
    }

    /** The merged count of every point of a metric (0 while nothing is visible). */
    long total(String name) {
        try {
            JsonArray values = query(name, "{\"name\":\"" + KairosPlugin.COUNT + "\",\"sampling\":{\"value\":1,"
                    + "\"unit\":\"hours\"}}", Map.of(), List.of()).get(0).getAsJsonObject().getAsJsonArray("values");
            long total = 0;
            for (JsonElement v : values) {
                total += v.getAsJsonArray().get(1).getAsLong();
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(kairosUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(kairosUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
