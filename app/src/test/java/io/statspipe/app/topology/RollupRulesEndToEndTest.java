package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosMapping;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.app.config.RollupRulesTest;
import io.statspipe.app.config.Settings;
import io.statspipe.app.config.SettingsLoader;
import io.statspipe.app.wiring.TopologyWiring;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.domain.UniqueSketch;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.service.QueryStatsService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two rules of the configuration reference, read from HOCON as {@code up} reads them, on a real
 * KRaft broker, LocalCluster and KairosDB (H2): {@code page.views} keeps every tag at 1m and 1h,
 * {@code page.views.by_site} only tenant and site at 10s and 1h, and every bucket of every one of
 * those resolutions holds the exact count, through the query port and through KairosDB's own
 * {@code sum}. A third rule keeps the sets {@code users.*} per minute, hour and day: their unique
 * counts, through the query port and through KairosDB's own API with the plugin's
 * {@code statspipe_unique}, agree with the true distinct counts within the stated error.
 */
class RollupRulesEndToEndTest {
    private static final int PARTITIONS = 2;
    private static final String CONFIG = """
            statspipe.topology.flush-interval = 3s
            statspipe.topology.coarse-flush-interval = 3s
            """ + RollupRulesTest.TWO_RULES + """
            statspipe.rollup.rules += { name = "uniques", metrics = "users.*", keep-tags = [tenant],
              resolutions = ["1m:90d", "1h:1098d", "1d:1098d"], output = "{metric}.uniques" }
            """;
    /** 3 standard errors of the sketch: 99.7% of estimates (the stated error, docs/design/domain.md). */
    private static final double UNIQUE_TOLERANCE = 3 * UniqueSketch.RELATIVE_STANDARD_ERROR;
    private static final ObjectMapper JSON = new ObjectMapper();

    static final Settings SETTINGS = load(CONFIG);
    static final RuleSet RULES = SETTINGS.rollup().rules();
    @RegisterExtension
    static final LocalEngines ENGINES = new LocalEngines(PARTITIONS,
            defaults -> TopologyWiring.settings(SETTINGS, defaults.bootstrapServers()).withName("rules"),
            SETTINGS.rollup().factory());

    /** The settings of a configuration file holding {@code config}, read as {@code statspipe up} reads it. */
    private static Settings load(String config) {
        try {
            Path file = Files.createTempFile("statspipe", ".conf");
            try {
                Files.writeString(file, config);
                return SettingsLoader.load(Optional.of(file), Map.of(), new Properties(), Map.of());
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyResolutionOfBothRulesHoldsTheExactCounts() throws Exception {
        Resolution tenSeconds = Resolution.parse("10s:1d");
        long t0 = (System.currentTimeMillis() - 40 * 60_000L) / 10_000L * 10_000L;
        Map<String, Long> raw = new TreeMap<>();
        Map<String, Long> bySite = new TreeMap<>();
        Random random = new Random(18);
        try (TestEvents events = new TestEvents(ENGINES.broker().bootstrapServers(), ENGINES.settings().eventsTopic(),
                PARTITIONS, "agent-rules")) {
            for (int b = 0; b < 60; b++) {
                List<Event> batch = new ArrayList<>();
                for (int e = 0; e < 40; e++) {
                    Series s = Series.of("page.views", "tenant", random.nextBoolean() ? "acme" : "globex",
                            "site", "s" + random.nextInt(3), "user_id", Integer.toString(random.nextInt(20)));
                    long at = t0 + b * 3_000L + random.nextInt(3_000);
                    long increment = 1 + random.nextInt(3);
                    batch.add(Event.counter(s, at, increment));
                    Series site = new Series("page.views.by_site", s.tags().keepOnly(java.util.Set.of("tenant", "site")));
                    for (Resolution r : List.of(Resolution.MINUTE, Resolution.HOUR)) {
                        raw.merge(key(s.tags(), r, at), increment, Long::sum);
                    }
                    for (Resolution r : List.of(tenSeconds, Resolution.HOUR)) {
                        bySite.merge(key(site.tags(), r, at), increment, Long::sum);
                    }
                }
                // api.calls matches only the raw rule: nothing of it may reach page.views.by_site.
                batch.add(Event.counter(Series.of("api.calls", "tenant", "acme", "site", "s0"), t0 + b * 3_000L, 5));
                events.send(batch, List.of());
            }
            events.flush();
        }

        TimeRange range = new TimeRange(t0 / 3_600_000L * 3_600_000L, t0 / 3_600_000L * 3_600_000L + 2 * 3_600_000L);
        try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(ENGINES.kairos().httpUrl())
                .withMapping(KairosMapping.forRules(RULES)))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(stored(queries, "page.views", range, List.of(Resolution.MINUTE, Resolution.HOUR)))
                        .isEqualTo(raw);
                assertThat(stored(queries, "page.views.by_site", range, List.of(tenSeconds, Resolution.HOUR)))
                        .isEqualTo(bySite);
            });
        }
        // KairosDB's own sum, per bucket over every tag, under the metric names the mapping documents.
        assertThat(kairosSums("page.views", Resolution.MINUTE, range)).isEqualTo(totals(raw, Resolution.MINUTE));
        assertThat(kairosSums("page.views:1h:count", Resolution.HOUR, range)).isEqualTo(totals(raw, Resolution.HOUR));
        assertThat(kairosSums("page.views.by_site", tenSeconds, range)).isEqualTo(totals(bySite, tenSeconds));
        assertThat(kairosSums("page.views.by_site:1h:count", Resolution.HOUR, range))
                .isEqualTo(totals(bySite, Resolution.HOUR));
        assertThat(totals(bySite, tenSeconds)).hasSizeGreaterThan(15);
    }

    @Test
    void setsAnswerUniqueCountsPerMinuteHourAndDayWithinTheStatedError() throws Exception {
        Resolution day = Resolution.parse("1d:1098d");
        List<Resolution> resolutions = List.of(Resolution.MINUTE, Resolution.HOUR, day);
        long t0 = (System.currentTimeMillis() - 40 * 60_000L) / 60_000L * 60_000L;
        // the true members of every bucket, over all series: six series over both partitions, members shared
        Map<String, Set<String>> members = new TreeMap<>();
        Random random = new Random(19);
        try (TestEvents events = new TestEvents(ENGINES.broker().bootstrapServers(), ENGINES.settings().eventsTopic(),
                PARTITIONS, "agent-sets")) {
            for (int b = 0; b < 60; b++) {
                List<Event> batch = new ArrayList<>();
                for (int e = 0; e < 60; e++) {
                    Series s = Series.of("users.online", "tenant", random.nextBoolean() ? "acme" : "globex",
                            "site", "s" + random.nextInt(3));
                    long at = t0 + b * 3_000L + random.nextInt(3_000);
                    String member = "user-" + random.nextInt(4_000);
                    batch.add(Event.set(s, at, member));
                    for (Resolution r : resolutions) {
                        members.computeIfAbsent(r.name() + " " + r.bucketOf(at).start(), k -> new TreeSet<>()).add(member);
                    }
                }
                events.send(batch, List.of());
            }
            events.flush();
        }
        Map<String, Long> truth = new TreeMap<>();
        members.forEach((bucket, m) -> truth.put(bucket, (long) m.size()));
        assertThat(truth.get(day.name() + " " + day.bucketOf(t0).start())).isGreaterThan(2_000); // registers, not a list of hashes

        TimeRange range = new TimeRange(day.bucketOf(t0).start(), day.bucketOf(t0).start() + 2 * day.widthMillis());
        Map<String, Long> answered = new TreeMap<>();
        try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(ENGINES.kairos().httpUrl())
                .withMapping(KairosMapping.forRules(RULES)))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            // every set event counted once: the exact count of members received, per bucket
            Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(setQuery(queries, resolutions, range, Aggregation.COUNT).values().stream()
                            .mapToLong(Long::longValue).sum()).isEqualTo(3 * 60 * 60));
            answered.putAll(setQuery(queries, resolutions, range, Aggregation.UNIQUE));
        }

        assertThat(answered.keySet()).isEqualTo(truth.keySet());
        truth.forEach((bucket, distinct) -> assertThat((double) answered.get(bucket)).as(bucket)
                .isCloseTo(distinct, within(UNIQUE_TOLERANCE * distinct)));
        // KairosDB's own API, with the plugin's aggregator, answers what statspipe's query answers
        for (Resolution r : resolutions) {
            Map<Long, Long> kairos = kairosValues("users.online.uniques:" + r.name() + ":set", "statspipe_unique", r, range);
            Map<Long, Long> ours = new TreeMap<>();
            answered.forEach((bucket, n) -> {
                if (bucket.startsWith(r.name() + " ")) {
                    ours.put(Long.parseLong(bucket.substring(r.name().length() + 1)), n);
                }
            });
            assertThat(kairos).as(r.name()).isEqualTo(ours);
        }
    }

    /** The answer of the query port for every bucket of the sets {@code users.online.uniques}, over every series. */
    private static Map<String, Long> setQuery(QueryStatsService queries, List<Resolution> resolutions, TimeRange range,
                                              Aggregation aggregation) {
        Map<String, Long> answered = new TreeMap<>();
        for (Resolution r : resolutions) {
            for (SeriesResult result : queries.query(StatsQuery.of("users.online.uniques", Kind.SET, range, r,
                    aggregation))) {
                for (Point p : result.points()) {
                    answered.put(r.name() + " " + p.bucketStart(), (long) p.value());
                }
            }
        }
        return answered;
    }

    /** Every bucket the query port answers for {@code metric}, grouped by every tag the events had. */
    private static Map<String, Long> stored(QueryStatsService queries, String metric, TimeRange range,
                                            List<Resolution> resolutions) {
        Map<String, Long> stored = new TreeMap<>();
        for (Resolution r : resolutions) {
            for (SeriesResult result : queries.query(StatsQuery.of(metric, Kind.COUNTER, range, r, Aggregation.SUM)
                    .groupedBy("tenant", "site", "user_id"))) {
                for (Point p : result.points()) {
                    stored.put(key(result.group(), r, p.bucketStart()), (long) p.value());
                }
            }
        }
        return stored;
    }

    private static String key(Tags tags, Resolution r, long at) {
        return r.name() + " " + r.bucketOf(at).start() + " " + tags;
    }

    /** The expected count of each bucket of {@code r}, over every tag. */
    private static Map<Long, Long> totals(Map<String, Long> expected, Resolution r) {
        Map<Long, Long> totals = new TreeMap<>();
        expected.forEach((k, v) -> {
            String[] parts = k.split(" ", 3);
            if (parts[0].equals(r.name())) {
                totals.merge(Long.parseLong(parts[1]), v, Long::sum);
            }
        });
        return totals;
    }

    /** KairosDB's {@code sum} of {@code metric} in ranges of {@code r}'s width, aligned on the query's start. */
    private static Map<Long, Long> kairosSums(String metric, Resolution r, TimeRange range) throws Exception {
        return kairosValues(metric, "sum", r, range);
    }

    /** KairosDB's {@code aggregator} of {@code metric} in ranges of {@code r}'s width, aligned on the query's start. */
    private static Map<Long, Long> kairosValues(String metric, String aggregator, Resolution r, TimeRange range)
            throws Exception {
        String body = "{\"start_absolute\":" + range.from() + ",\"end_absolute\":" + (range.to() - 1)
                + ",\"metrics\":[{\"name\":\"" + metric + "\",\"aggregators\":[{\"name\":\"" + aggregator
                + "\",\"align_start_time\":true,"
                + "\"sampling\":{\"value\":\"" + r.widthMillis() + "\",\"unit\":\"milliseconds\"}}]}]}";
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(ENGINES.kairos().httpUrl() + "/api/v1/datapoints/query"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Map<Long, Long> sums = new TreeMap<>();
        for (JsonNode v : JSON.readTree(answer.body()).path("queries").get(0).path("results").get(0).path("values")) {
            sums.put(v.get(0).asLong(), v.get(1).asLong());
        }
        return sums;
    }
}
