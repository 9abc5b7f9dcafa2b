package io.statspipe.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.QueryEndpoint;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.TenantAccessDenied;
import io.statspipe.adapter.http.TenantScopedQueries;
import io.statspipe.adapter.http.TenantTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.adapter.http.Token;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.in.QueryStatsUseCase;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TagFilter;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.service.QueryStatsService;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * The query API as product code uses it: a tenant's token never reads another tenant's series,
 * whatever filter or group-by it sends; bad or missing tokens are refused; tokens never reach the
 * logs. Runs over the aggregate store fixture (the isolation is the wrapper's, not the store's).
 */
class TenantIsolationTest {
    static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    static final String ACME_TOKEN = "acme-token-6c1d9f";
    static final String GLOBEX_TOKEN = "globex-token-83ab02";
    static final String ADMIN_TOKEN = "admin-token-f00dfeed";
    static final String GLOBEX_WRITER = "globex-writer-5e1a77";
    static final ObjectMapper JSON = new ObjectMapper();
    static final StringWriter LOGS = new StringWriter();

    static InMemoryAggregateStore store;
    static QueryStatsUseCase queries;
    static ApiServer api;
    static WriterAppender capture;

    @BeforeAll
    static void start() throws Exception {
        capture = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%c %m%n").build(), null, LOGS,
                "capture", false, true);
        capture.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        ctx.updateLoggers();
        Configurator.setLevel("io.statspipe", Level.ALL);

        store = new InMemoryAggregateStore();
        Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS, T0);
        // acme: home 3, about 4 ; globex: home 10, secret 20 (a page only globex has)
        add(rollup, "acme", "home", 3);
        add(rollup, "acme", "about", 4);
        add(rollup, "globex", "home", 10);
        add(rollup, "globex", "secret", 20);
        store.write(rollup.flush(Origin.ofPartition(0, 0, 0)).partials());
        queries = new QueryStatsService(store, 100_000);

        TenantTokens tokens = new TenantTokens(List.of(
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME_TOKEN), Scope.QUERY),
                Token.ofTenant("globex", TenantTokens.sha256Hex(GLOBEX_TOKEN), Scope.QUERY),
                Token.ofTenant("globex", TenantTokens.sha256Hex(GLOBEX_WRITER), Scope.INGEST),
                Token.admin(TenantTokens.sha256Hex(ADMIN_TOKEN), Scope.QUERY)));
        api = new ApiServer(Settings.BIND_ADDRESS, 0, HttpEdge.DEFAULTS).route("/api/v1/query",
                new QueryEndpoint(tokens, queries, InstantSource.fixed(Instant.ofEpochMilli(T0 + 3_600_000)))).start();
    }

    static void add(Rollup rollup, String tenant, String page, int count) {
        for (int i = 0; i < count; i++) {
            rollup.accept(Event.counter(Series.of("page.views", "tenant", tenant, "page", page), T0 + i, 1));
        }
    }

    @AfterAll
    static void stop() {
        api.close();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender("capture");
        ctx.updateLoggers();
        Configurator.setLevel("io.statspipe", Level.INFO);
    }

    static HttpResponse<String> get(String query, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + Settings.BIND_ADDRESS + ":" + api.port()
                + "/api/v1/query?" + query));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode okJson(String query, String token) throws Exception {
        HttpResponse<String> r = get(query, "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static final String RANGE = "metric=page.views&from=" + T0 + "&to=" + (T0 + 60_000);

    @Test
    void aTenantWithoutFilterSeesOnlyItsOwnTotal() throws Exception {
        JsonNode acme = okJson(RANGE, ACME_TOKEN);
        assertThat(acme.path("tenant").asText()).isEqualTo("acme");
        assertThat(acme.path("results")).hasSize(1);
        assertThat(acme.path("results").get(0).path("points").get(0).get(1).asDouble()).isEqualTo(7.0);
        JsonNode globex = okJson(RANGE, GLOBEX_TOKEN);
        assertThat(globex.path("results").get(0).path("points").get(0).get(1).asDouble()).isEqualTo(30.0);
    }

    @Test
    void aFilterNamingAnotherTenantIsRefusedWith403AndAReason() throws Exception {
        for (String q : List.of(RANGE + "&tag=tenant:globex", RANGE + "&tag=tenant:globex&tag=page:home",
                RANGE + "&tag=tenant:globex&match=exactly&tag=page:secret")) {
            HttpResponse<String> r = get(q, "Bearer " + ACME_TOKEN);
            assertThat(r.statusCode()).isEqualTo(403);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("status").asInt()).isEqualTo(403);
            assertThat(body.path("error").asText()).contains("tenant acme may not read series of tenant globex");
        }
    }

    @Test
    void groupByTenantOrAnyOtherTagStaysInsideTheTenant() throws Exception {
        JsonNode byTenant = okJson(RANGE + "&group_by=tenant", ACME_TOKEN);
        assertThat(byTenant.path("results")).hasSize(1);
        assertThat(byTenant.path("results").get(0).path("group").path("tenant").asText()).isEqualTo("acme");

        JsonNode byPage = okJson(RANGE + "&group_by=page", ACME_TOKEN);
        Map<String, Double> pages = new TreeMap<>();
        byPage.path("results").forEach(g -> pages.put(g.path("group").path("page").asText(),
                g.path("points").get(0).get(1).asDouble()));
        assertThat(pages).isEqualTo(Map.of("about", 4.0, "home", 3.0));
    }

    @Test
    void aFilterOnAnotherTenantsTagValueFindsNothing() throws Exception {
        assertThat(okJson(RANGE + "&tag=page:secret", ACME_TOKEN).path("results")).isEmpty();
        assertThat(okJson(RANGE + "&tag=page:secret&match=exactly", ACME_TOKEN).path("results")).isEmpty();
    }

    @Test
    void anExactFilterMeansTheTenantsOwnSeriesOfThatTagSet() throws Exception {
        // The tenant tag is implied: {page=home} exactly, for acme, is {page=home, tenant=acme}.
        assertThat(okJson(RANGE + "&tag=page:home&match=exactly", ACME_TOKEN)
                .path("results").get(0).path("points").get(0).get(1).asDouble()).isEqualTo(3.0);
        assertThat(okJson(RANGE + "&tag=page:home&tag=tenant:acme&match=exactly", ACME_TOKEN)
                .path("results").get(0).path("points").get(0).get(1).asDouble()).isEqualTo(3.0);
    }

    @Test
    void theAdminTokenSeesEveryTenant() throws Exception {
        JsonNode all = okJson(RANGE + "&group_by=tenant", ADMIN_TOKEN);
        Map<String, Double> tenants = new TreeMap<>();
        all.path("results").forEach(g -> tenants.put(g.path("group").path("tenant").asText(),
                g.path("points").get(0).get(1).asDouble()));
        assertThat(tenants).isEqualTo(Map.of("acme", 7.0, "globex", 30.0));
        assertThat(all.path("tenant").isNull()).isTrue();
    }

    @Test
    void missingMalformedAndUnknownTokensAreRefusedWith401() throws Exception {
        Map<String, String> cases = new TreeMap<>();
        cases.put("<none>", "missing bearer token");
        cases.put("Basic YWNtZTpwdw==", "must be 'Bearer <token>'");
        cases.put("Bearer ", "must be 'Bearer <token>'");
        cases.put("Bearer not-a-token", "unknown token");
        cases.put("Bearer " + ACME_TOKEN + "x", "unknown token");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = get(RANGE, c.getKey().equals("<none>") ? null : c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(401);
            assertThat(JSON.readTree(r.body()).path("error").asText()).as(c.getKey()).contains(c.getValue());
        }
    }

    @Test
    void aTokenWithoutTheQueryScopeIsRefusedWith403() throws Exception {
        HttpResponse<String> r = get(RANGE, "Bearer " + GLOBEX_WRITER);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("this token may not query: its scopes are [ingest]");
    }

    @Test
    void badQueriesAreRefusedWith400NamingTheParameter() throws Exception {
        HttpResponse<String> noMetric = get("from=-1h", "Bearer " + ACME_TOKEN);
        assertThat(noMetric.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noMetric.body()).path("error").asText()).contains("'metric' is required");
        HttpResponse<String> badAggregation = get(RANGE + "&aggregation=median", "Bearer " + ACME_TOKEN);
        assertThat(badAggregation.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badAggregation.body()).path("error").asText()).contains("unknown aggregation 'median'");
        HttpResponse<String> unknown = get(RANGE + "&tenant=globex", "Bearer " + ACME_TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).contains("unknown query parameter 'tenant'");
    }

    /**
     * For any filter and group-by: a tenant's answer is exactly what an unrestricted query of the
     * same question plus its own tenant tag answers, or a 403 when the filter names another tenant.
     */
    @Test
    void anyFilterAndGroupByAnswersOnlyTheTenantsOwnSeries() {
        Gen<String> keys = SourceDSL.arbitrary().pick(List.of("tenant", "page", "site"));
        Gen<String> values = SourceDSL.arbitrary().pick(List.of("acme", "globex", "home", "about", "secret"));
        Gen<List<String>> filterPairs = SourceDSL.lists().of(keys.zip(values, (k, v) -> k + "=" + v)).ofSizeBetween(0, 3);
        Gen<List<String>> groups = SourceDSL.lists().of(keys).ofSizeBetween(0, 2);
        qt().withExamples(300).forAll(filterPairs, groups, SourceDSL.booleans().all(),
                        SourceDSL.arbitrary().pick(List.of("acme", "globex")))
                .checkAssert((pairs, groupBy, exactly, tenant) -> {
                    TreeMap<String, String> tags = new TreeMap<>();
                    pairs.forEach(p -> tags.putIfAbsent(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1)));
                    TagFilter filter = new TagFilter(Tags.of(tags), exactly ? TagFilter.Match.EXACTLY : TagFilter.Match.INCLUDING);
                    StatsQuery q = new StatsQuery("page.views", Kind.COUNTER, filter, new TimeRange(T0, T0 + 60_000),
                            Resolution.MINUTE, Aggregation.SUM, new TreeSet<>(groupBy));
                    TenantScopedQueries scoped = new TenantScopedQueries(queries, tenant);
                    String asked = tags.get("tenant");
                    if (asked != null && !asked.equals(tenant)) {
                        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scoped.query(q))
                                .isInstanceOf(TenantAccessDenied.class);
                        return;
                    }
                    List<SeriesResult> answer = scoped.query(q);
                    List<SeriesResult> own = queries.query(q.withFilter(new TagFilter(filter.tags().with("tenant", tenant),
                            filter.match())));
                    assertThat(answer).isEqualTo(own);
                    for (SeriesResult r : answer) {
                        r.group().value("tenant").ifPresent(t -> assertThat(t).isEqualTo(tenant));
                    }
                });
    }

    @Test
    void tokensNeverReachTheLogs() throws Exception {
        // Every kind of request, with DEBUG on for statspipe, then search everything logged.
        okJson(RANGE + "&group_by=page", ACME_TOKEN);
        okJson(RANGE, ADMIN_TOKEN);
        get(RANGE + "&tag=tenant:acme", "Bearer " + GLOBEX_TOKEN);
        get(RANGE, "Bearer wrong-" + ACME_TOKEN);
        get("metric=", "Bearer " + ACME_TOKEN);
        String logged = LOGS.toString();
        assertThat(logged).contains("QueryEndpoint");
        for (String secret : List.of(ACME_TOKEN, GLOBEX_TOKEN, ADMIN_TOKEN, TenantTokens.sha256Hex(ACME_TOKEN),
                TenantTokens.sha256Hex(ADMIN_TOKEN))) {
            assertThat(logged).doesNotContain(secret);
        }
    }
}
