package io.statspipe.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.KairosCompatibleApi;
import io.statspipe.adapter.http.ListingEndpoints;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.TenantTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statspipe.adapter.http.Token;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.kairosdb.KairosPlugin;
import io.statspipe.adapter.kairosdb.KairosQueryApi;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.Event;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.service.ListSeriesService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Grafana's KairosDB data source pointed at statspipe's port with a tenant's token: the requests
 * it sends for a panel (the metric list, a metric's tags and tag values, a grouped {@code sum}
 * query, a plugin aggregator over a gauge) answer exactly what KairosDB itself answers for that
 * tenant's series (asked directly, with the tenant filter, statspipe's internal tags left out),
 * and nothing of another tenant's, also when the request names another tenant, groups by
 * {@code tenant} or asks for every metric. Runs a real KairosDB (H2, statspipe's plugin loaded)
 * and statspipe's HTTP API; the partials are written by statspipe's own store. statspipe's own
 * listing ({@code /api/v1/metrics}, {@code /api/v1/tags}) is checked over the same KairosDB.
 */
class KairosCompatibleApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS).toEpochMilli();
    static final String ACME_TOKEN = "acme-grafana-4e1b7c";
    static final String ADMIN_TOKEN = "admin-grafana-99d0aa";
    static final String ACME_WRITER = "acme-writer-71f3c2";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();
    @AutoClose
    static KairosQueryApi kairosReads;
    @AutoClose
    static KairosAggregateStore store;
    static ApiServer api;

    @BeforeAll
    static void start() {
        Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS, T0);
        // acme: home 3, about 4, depth 5 then 7; globex: home 10, secret 20 (a page only globex has),
        // depth 100, and a metric only globex has.
        count(rollup, "page.views", "acme", "home", 3);
        count(rollup, "page.views", "acme", "about", 4);
        count(rollup, "page.views", "globex", "home", 10);
        count(rollup, "page.views", "globex", "secret", 20);
        count(rollup, "globex.only", "globex", "home", 1);
        rollup.accept(Event.gauge(Series.of("queue.depth", "tenant", "acme"), T0 + 1, 5));
        rollup.accept(Event.gauge(Series.of("queue.depth", "tenant", "acme"), T0 + 2, 7));
        rollup.accept(Event.gauge(Series.of("queue.depth", "tenant", "globex"), T0 + 3, 100));
        KairosStoreConfig config = KairosStoreConfig.of(KAIROS.httpUrl());
        store = new KairosAggregateStore(config);
        store.write(rollup.flush(Origin.ofPartition(0, 0, 0)).partials());
        TenantTokens tokens = new TenantTokens(List.of(
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME_TOKEN), Scope.QUERY),
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME_WRITER), Scope.INGEST),
                Token.admin(TenantTokens.sha256Hex(ADMIN_TOKEN), Scope.QUERY)));
        kairosReads = new KairosQueryApi(config);
        api = new ApiServer(Settings.BIND_ADDRESS, 0, HttpEdge.DEFAULTS);
        KairosCompatibleApi.register(api, tokens, kairosReads);
        ListingEndpoints.register(api, tokens, new ListSeriesService(store), InstantSource.system());
        api.start();
        // KairosDB answers writes before their points are readable.
        await().atMost(Duration.ofSeconds(60)).until(() -> total(direct("/api/v1/datapoints/query",
                sumQuery("page.views", Map.of(), List.of()))) == 37);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static void count(Rollup rollup, String metric, String tenant, String page, int count) {
        for (int i = 0; i < count; i++) {
            rollup.accept(Event.counter(Series.of(metric, "tenant", tenant, "page", page), T0 + i, 1));
        }
    }

    // --- the requests Grafana's KairosDB data source sends (its query builder's bodies) ---

    static String tagsQuery(String metric) {
        return "{\"cache_time\":0,\"metrics\":[{\"name\":\"" + metric + "\",\"tags\":{}}],\"start_absolute\":0}";
    }

    static String sumQuery(String metric, Map<String, List<String>> tags, List<String> groupBy) {
        return query(metric, tags, groupBy, "{\"name\":\"sum\",\"sampling\":{\"value\":\"1\",\"unit\":\"hours\"},"
                + "\"align_sampling\":true}");
    }

    static String query(String metric, Map<String, List<String>> tags, List<String> groupBy, String aggregator) {
        ObjectNode body = JSON.createObjectNode();
        body.put("start_absolute", T0).put("end_absolute", T0 + 3_600_000 - 1);
        ObjectNode m = body.putArray("metrics").addObject();
        m.put("name", metric);
        m.set("tags", JSON.valueToTree(tags));
        try {
            m.putArray("aggregators").add(JSON.readTree(aggregator));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
        if (!groupBy.isEmpty()) {
            ObjectNode grouper = m.putArray("group_by").addObject();
            grouper.put("name", "tag");
            groupBy.forEach(grouper.putArray("tags")::add);
        }
        return body.toString();
    }

    // --- talking to statspipe, and to KairosDB directly ---

    static HttpResponse<String> statspipe(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + Settings.BIND_ADDRESS + ":" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode asAcme(String method, String path, String body) throws Exception {
        return ok(statspipe(method, path, body, ACME_TOKEN));
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static JsonNode direct(String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(KAIROS.httpUrl() + path));
        b = body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body));
        return ok(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** KairosDB's own answer as a tenant's read may show it: statspipe's internal tags left out. */
    static JsonNode withoutInternalTags(JsonNode answer) {
        for (JsonNode query : answer.path("queries")) {
            for (JsonNode result : query.path("results")) {
                ((ObjectNode) result.path("tags")).properties().removeIf(e -> e.getKey().startsWith("_"));
            }
        }
        return answer;
    }

    static Map<String, Double> totalsBy(JsonNode answer, String tag) {
        Map<String, Double> totals = new TreeMap<>();
        for (JsonNode result : answer.path("queries").get(0).path("results")) {
            double sum = 0;
            for (JsonNode point : result.path("values")) {
                sum += point.get(1).asDouble();
            }
            if (!result.path("values").isEmpty()) {
                totals.put(result.path("tags").path(tag).toString(), sum);
            }
        }
        return totals;
    }

    static long total(JsonNode answer) {
        return Math.round(totalsBy(answer, "none").values().stream().mapToDouble(Double::doubleValue).sum());
    }

    static List<String> results(JsonNode answer) {
        List<String> values = new ArrayList<>();
        answer.path("results").forEach(v -> values.add(v.asText()));
        return values;
    }

    // --- the panel ---

    @Test
    void theMetricListHasOnlyMetricsWithSeriesOfTheTenant() throws Exception {
        List<String> acme = results(asAcme("GET", "/api/v1/metricnames", null));
        assertThat(acme).contains("page.views", "queue.depth:1m:gauge").noneMatch(n -> n.startsWith("globex.only"));
        // KairosDB itself and an administrator list it: the tenant's list is filtered, not short.
        assertThat(results(direct("/api/v1/metricnames", null))).contains("globex.only");
        assertThat(results(ok(statspipe("GET", "/api/v1/metricnames", null, ADMIN_TOKEN)))).contains("globex.only");
        assertThat(results(asAcme("GET", "/api/v1/metricnames?prefix=page", null))).allMatch(n -> n.startsWith("page"))
                .contains("page.views");
    }

    @Test
    void statspipesOwnListingOverKairosDbListsTheTenantsOwn() throws Exception {
        String range = "from=" + T0 + "&to=" + (T0 + 3_600_000);
        JsonNode metrics = asAcme("GET", "/api/v1/metrics?" + range, null);
        assertThat(metrics.path("metrics").findValuesAsText("metric")).containsExactly("page.views", "queue.depth");
        assertThat(JSON.convertValue(asAcme("GET", "/api/v1/tags?metric=page.views&" + range, null).path("tags"), Map.class))
                .isEqualTo(Map.of("page", List.of("about", "home"), "tenant", List.of("acme")));
        assertThat(ok(statspipe("GET", "/api/v1/metrics?" + range, null, ADMIN_TOKEN)).path("metrics")
                .findValuesAsText("metric")).containsExactly("globex.only", "page.views", "queue.depth");
    }

    @Test
    void aMetricsTagsAreKairosDbsOwnForTheTenantsSeries() throws Exception {
        JsonNode viaStatspipe = asAcme("POST", "/api/v1/datapoints/query/tags", tagsQuery("page.views"));
        JsonNode own = withoutInternalTags(direct("/api/v1/datapoints/query/tags", tagsQuery("page.views")
                .replace("\"tags\":{}", "\"tags\":{\"tenant\":[\"acme\"]}")));
        assertThat(viaStatspipe).isEqualTo(own);
        assertThat(JSON.convertValue(viaStatspipe.path("queries").get(0).path("results").get(0).path("tags"), Map.class))
                .isEqualTo(Map.of("page", List.of("about", "home"), "tenant", List.of("acme")));
    }

    @Test
    void tagNamesAndValuesAreTheTenantsWithoutInternalTags() throws Exception {
        assertThat(results(asAcme("GET", "/api/v1/tagnames", null))).containsExactly("page", "tenant");
        assertThat(results(asAcme("GET", "/api/v1/tagvalues", null))).containsExactly("about", "acme", "home");
        // KairosDB 1.3 has no global tag lists of its own (404): statspipe computes them from tag queries.
        List<String> sources = new ArrayList<>();
        direct("/api/v1/datapoints/query/tags", tagsQuery("page.views")).path("queries").get(0).path("results").get(0)
                .path("tags").path("_src").forEach(v -> sources.add(v.asText()));
        assertThat(sources).isNotEmpty();
        // An administrator also sees the tags of KairosDB's own metrics, never statspipe's internal ones.
        assertThat(results(ok(statspipe("GET", "/api/v1/tagnames", null, ADMIN_TOKEN)))).contains("page", "tenant")
                .doesNotContain("_src");
        assertThat(results(ok(statspipe("GET", "/api/v1/tagvalues", null, ADMIN_TOKEN))))
                .contains("about", "acme", "globex", "home", "secret").doesNotContainAnyElementsOf(sources);
    }

    @Test
    void aGroupedSumIsKairosDbsOwnForTheTenantsSeries() throws Exception {
        String panel = sumQuery("page.views", Map.of(), List.of("page"));
        JsonNode viaStatspipe = asAcme("POST", "/api/v1/datapoints/query", panel);
        JsonNode own = withoutInternalTags(direct("/api/v1/datapoints/query",
                sumQuery("page.views", Map.of("tenant", List.of("acme")), List.of("page"))));
        assertThat(viaStatspipe).isEqualTo(own);
        assertThat(totalsBy(viaStatspipe, "page")).isEqualTo(Map.of("[\"about\"]", 4.0, "[\"home\"]", 3.0));
        assertThat(viaStatspipe.toString()).doesNotContain("globex").doesNotContain("secret").doesNotContain("_src");
    }

    @Test
    void statspipesPluginAggregatorsAnswerAsKairosDbDoesForTheTenant() throws Exception {
        String avg = "{\"name\":\"" + KairosPlugin.AVG + "\",\"sampling\":{\"value\":1,\"unit\":\"hours\"},"
                + "\"align_start_time\":true}";
        JsonNode viaStatspipe = asAcme("POST", "/api/v1/datapoints/query", query("queue.depth:1m:gauge", Map.of(),
                List.of(), avg));
        JsonNode own = withoutInternalTags(direct("/api/v1/datapoints/query", query("queue.depth:1m:gauge",
                Map.of("tenant", List.of("acme")), List.of(), avg)));
        assertThat(viaStatspipe).isEqualTo(own);
        assertThat(viaStatspipe.path("queries").get(0).path("results").get(0).path("values").get(0).get(1).asDouble())
                .isEqualTo(6.0);
    }

    @Test
    void groupingByTenantShowsOnlyTheTenant() throws Exception {
        JsonNode byTenant = asAcme("POST", "/api/v1/datapoints/query", sumQuery("page.views", Map.of(), List.of("tenant")));
        assertThat(totalsBy(byTenant, "tenant")).isEqualTo(Map.of("[\"acme\"]", 7.0));
        JsonNode admin = ok(statspipe("POST", "/api/v1/datapoints/query", sumQuery("page.views", Map.of(),
                List.of("tenant")), ADMIN_TOKEN));
        assertThat(totalsBy(admin, "tenant")).isEqualTo(Map.of("[\"acme\"]", 7.0, "[\"globex\"]", 30.0));
    }

    @Test
    void aRequestNamingAnotherTenantIsRefusedAndShowsNothingOfIt() throws Exception {
        for (Map<String, List<String>> tags : List.of(Map.of("tenant", List.of("globex")),
                Map.of("tenant", List.of("acme", "globex")), Map.of("tenant", List.of("globex"), "page", List.of("secret")))) {
            HttpResponse<String> r = statspipe("POST", "/api/v1/datapoints/query", sumQuery("page.views", tags,
                    List.of("page")), ACME_TOKEN);
            assertThat(r.statusCode()).as(tags.toString()).isEqualTo(403);
            assertThat(JSON.readTree(r.body()).path("errors").get(0).asText())
                    .isEqualTo("tenant acme may not read series of tenant globex");
            assertThat(r.body()).doesNotContain("values").doesNotContain("secret");
        }
        // a tag value only another tenant has finds nothing
        JsonNode secret = asAcme("POST", "/api/v1/datapoints/query", sumQuery("page.views",
                Map.of("page", List.of("secret")), List.of()));
        assertThat(totalsBy(secret, "page")).isEmpty();
    }

    @Test
    void groupingByAnInternalTagDoesNotShowIt() throws Exception {
        JsonNode bySource = asAcme("POST", "/api/v1/datapoints/query", sumQuery("page.views", Map.of(),
                List.of("_src", "page")));
        assertThat(bySource.toString()).doesNotContain("_src");
        assertThat(totalsBy(bySource, "page")).isEqualTo(Map.of("[\"about\"]", 4.0, "[\"home\"]", 3.0));
    }

    @Test
    void writesAndDeletesAreRefusedAndChangeNothing() throws Exception {
        String point = "[{\"name\":\"page.views\",\"tags\":{\"tenant\":\"acme\",\"page\":\"home\"},\"datapoints\":[["
                + (T0 + 10) + ",1000]]}]";
        assertThat(statspipe("POST", "/api/v1/datapoints", point, ADMIN_TOKEN).statusCode()).isEqualTo(405);
        assertThat(statspipe("POST", "/api/v1/datapoints/delete", sumQuery("page.views", Map.of(), List.of()),
                ADMIN_TOKEN).statusCode()).isEqualTo(405);
        assertThat(statspipe("DELETE", "/api/v1/metric/page.views", null, ADMIN_TOKEN).statusCode()).isEqualTo(405);
        assertThat(statspipe("GET", "/api/v1/datapoints/query", null, ACME_TOKEN).statusCode()).isEqualTo(405);
        assertThat(total(direct("/api/v1/datapoints/query", sumQuery("page.views", Map.of(), List.of())))).isEqualTo(37);
    }

    @Test
    void everyPathNeedsATokenAllowedToQuery() throws Exception {
        for (String path : List.of("/api/v1/metricnames", "/api/v1/tagnames", "/api/v1/tagvalues", "/api/v1/version")) {
            assertThat(statspipe("GET", path, null, null).statusCode()).as(path).isEqualTo(401);
            assertThat(statspipe("GET", path, null, ACME_WRITER).statusCode()).as(path).isEqualTo(403);
        }
        assertThat(statspipe("POST", "/api/v1/datapoints/query", sumQuery("page.views", Map.of(), List.of()), null)
                .statusCode()).isEqualTo(401);
        assertThat(asAcme("GET", "/api/v1/version", null).path("version").asText()).startsWith("KairosDB");
    }

    @Test
    void queryPluginsAndUnknownFieldsAreRefusedNamingTheField() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(sumQuery("page.views", Map.of(), List.of()));
        ((ObjectNode) body.path("metrics").get(0)).putArray("plugins").addObject().put("name", "anything");
        HttpResponse<String> r = statspipe("POST", "/api/v1/datapoints/query", body.toString(), ACME_TOKEN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("field 'plugins' is not accepted");
        HttpResponse<String> notJson = statspipe("POST", "/api/v1/datapoints/query", "{\"metrics\":", ACME_TOKEN);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJson.body()).path("errors").get(0).asText()).startsWith("the query is not JSON");
    }
}
