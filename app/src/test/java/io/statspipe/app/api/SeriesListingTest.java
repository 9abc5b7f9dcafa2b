package io.statspipe.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.ListingEndpoints;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.TenantTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.adapter.http.Token;
import io.statspipe.app.cli.CommandLineRun;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.Event;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.service.ListSeriesService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Listing what a tenant has, over HTTP and with {@code statspipe metrics}: a tenant's token lists
 * its own metrics and tag values only, an administrator's every tenant's. Runs over the aggregate
 * store fixture: which series the store lists is the store's contract
 * ({@code AggregateStoreContract}), keeping a tenant's own is the listing's.
 */
class SeriesListingTest {
    static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    static final InstantSource LATER = InstantSource.fixed(Instant.ofEpochMilli(T0 + 3_600_000));
    static final String ACME_TOKEN = "acme-list-31c9e0";
    static final String ADMIN_TOKEN = "admin-list-a7b2d4";
    static final ObjectMapper JSON = new ObjectMapper();
    static ApiServer api;

    @BeforeAll
    static void start() {
        InMemoryAggregateStore store = new InMemoryAggregateStore();
        Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS, T0);
        rollup.accept(Event.counter(Series.of("page.views", "tenant", "acme", "page", "home"), T0, 1));
        rollup.accept(Event.counter(Series.of("page.views", "tenant", "acme", "page", "about"), T0, 1));
        rollup.accept(Event.gauge(Series.of("page.views", "tenant", "acme"), T0, 3));
        rollup.accept(Event.counter(Series.of("page.views", "tenant", "globex", "page", "secret"), T0, 1));
        rollup.accept(Event.counter(Series.of("globex.only", "tenant", "globex"), T0, 1));
        rollup.accept(Event.counter(Series.of("untenanted", "page", "home"), T0, 1));
        store.write(rollup.flush(Origin.ofPartition(0, 0, 0)).partials());
        TenantTokens tokens = new TenantTokens(List.of(
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME_TOKEN), Scope.QUERY),
                Token.admin(TenantTokens.sha256Hex(ADMIN_TOKEN), Scope.QUERY)));
        api = new ApiServer(Settings.BIND_ADDRESS, 0, HttpEdge.DEFAULTS);
        ListingEndpoints.register(api, tokens, new ListSeriesService(store), LATER);
        api.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + Settings.BIND_ADDRESS + ":" + api.port()
                + pathAndQuery));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(String pathAndQuery, String token) throws Exception {
        HttpResponse<String> r = get(pathAndQuery, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static final String RANGE = "from=" + T0 + "&to=" + (T0 + 60_000);

    @Test
    void aTenantListsItsOwnMetricsWithTheirKindsAndSeries() throws Exception {
        JsonNode acme = ok("/api/v1/metrics?" + RANGE, ACME_TOKEN);
        assertThat(acme).isEqualTo(JSON.readTree("{\"tenant\":\"acme\",\"metrics\":[{\"metric\":\"page.views\","
                + "\"kinds\":[\"counter\",\"gauge\"],\"series\":3}]}"));
    }

    @Test
    void anAdministratorListsEveryTenantsMetrics() throws Exception {
        JsonNode all = ok("/api/v1/metrics?" + RANGE, ADMIN_TOKEN);
        assertThat(all.path("tenant").isNull()).isTrue();
        assertThat(all.path("metrics").findValuesAsText("metric")).containsExactly("globex.only", "page.views", "untenanted");
        assertThat(ok("/api/v1/metrics?prefix=page&" + RANGE, ADMIN_TOKEN).path("metrics").findValuesAsText("metric"))
                .containsExactly("page.views");
    }

    @Test
    void aMetricsTagsAreTheTenantsOwn() throws Exception {
        JsonNode tags = ok("/api/v1/tags?metric=page.views&" + RANGE, ACME_TOKEN).path("tags");
        assertThat(JSON.convertValue(tags, Map.class)).isEqualTo(Map.of("page", List.of("about", "home"),
                "tenant", List.of("acme")));
        assertThat(JSON.convertValue(ok("/api/v1/tags?metric=globex.only&" + RANGE, ACME_TOKEN).path("tags"), Map.class))
                .isEmpty();
    }

    @Test
    void outsideTheRangeNothingIsListed() throws Exception {
        assertThat(ok("/api/v1/metrics?from=" + (T0 + 120_000) + "&to=" + (T0 + 180_000), ADMIN_TOKEN).path("metrics"))
                .isEmpty();
    }

    @Test
    void badRequestsAreRefusedNamingTheProblem() throws Exception {
        assertThat(get("/api/v1/metrics", null).statusCode()).isEqualTo(401);
        HttpResponse<String> noMetric = get("/api/v1/tags", ACME_TOKEN);
        assertThat(noMetric.statusCode()).isEqualTo(400);
        assertThat(noMetric.body()).contains("parameter 'metric' is required");
        HttpResponse<String> unknown = get("/api/v1/metrics?tenant=globex", ACME_TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown query parameter 'tenant'");
    }

    @Test
    void theMetricsCommandPrintsTheTenantsMetricsAndTags() {
        String url = "http://" + Settings.BIND_ADDRESS + ":" + api.port();
        String list = run("metrics", "--url", url, "--token", ACME_TOKEN, "--from", Long.toString(T0), "--to",
                Long.toString(T0 + 60_000));
        assertThat(list).contains("page.views").contains("counter,gauge").contains("3 series").doesNotContain("globex");
        String tags = run("metrics", "page.views", "--url", url, "--token", ACME_TOKEN, "--from", Long.toString(T0),
                "--to", Long.toString(T0 + 60_000));
        assertThat(tags).isEqualTo("page: about, home\ntenant: acme\n".replace("\n", System.lineSeparator()));
    }

    static String run(String... args) {
        CommandLineRun run = CommandLineRun.of(args);
        assertThat(run.exit()).as(run.err()).isZero();
        return run.out();
    }
}
