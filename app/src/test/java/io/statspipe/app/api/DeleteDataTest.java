package io.statspipe.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.DeleteEndpoint;
import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.Scope;
import io.statspipe.adapter.http.TenantTokens;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.statspipe.adapter.http.Token;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.kairosdb.KairosDeletion;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.mongo.LegacyDeletion;
import io.statspipe.adapter.mongo.LegacyHistoryReader;
import io.statspipe.adapter.mongo.LegacyMongoExtension;
import io.statspipe.adapter.mongo.LegacyPartialWriter;
import io.statspipe.adapter.mongo.LegacySchema;
import io.statspipe.app.cli.CommandLineRun;
import io.statspipe.app.config.Settings;
import io.statspipe.domain.Event;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import io.statspipe.ports.service.DeleteDataService;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code statspipe delete} against a real KairosDB (H2) and the legacy store (a MongoDB-protocol
 * server), both holding the same partials as dual-write leaves them: deleting one tenant's metric
 * over a range removes exactly its buckets in that range, at every resolution, from both, and
 * leaves every other series and range as it was, bucket for bucket; a dry run changes nothing;
 * only an administrator's token may delete, and a range that would cut a bucket is refused.
 */
class DeleteDataTest {
    static final long HOUR = Resolution.HOUR.widthMillis();
    static final long T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS).toEpochMilli();
    static final TimeRange ALL = new TimeRange(T0 - HOUR, T0 + 4 * HOUR);
    static final String ADMIN = "admin-delete-0b4f1e";
    static final String ADMIN_QUERY_ONLY = "admin-read-77c1d2";
    static final String ACME = "acme-delete-c3a9e8";

    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();
    @RegisterExtension
    static final LegacyMongoExtension MONGO = new LegacyMongoExtension();
    @AutoClose
    static KairosAggregateStore store;
    @AutoClose
    static KairosDeletion deletion;
    @AutoClose
    static MongoClient mongoClient;
    static LegacyHistoryReader legacy;
    static ApiServer api;
    static String url;

    @BeforeAll
    static void start() {
        KairosStoreConfig config = KairosStoreConfig.of(KAIROS.httpUrl());
        store = new KairosAggregateStore(config);
        Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS, T0);
        for (String tenant : List.of("acme", "globex", "initech")) {
            for (int hour = 0; hour < 3; hour++) {
                rollup.accept(Event.counter(Series.of("page.views", "tenant", tenant, "page", "home"), T0 + hour * HOUR + 61_000, 3));
                rollup.accept(Event.counter(Series.of("page.views", "tenant", tenant, "page", "about"), T0 + hour * HOUR + 7, 2));
                rollup.accept(Event.gauge(Series.of("queue.depth", "tenant", tenant), T0 + hour * HOUR + 5, 10 + hour));
            }
        }
        List<Partial> partials = rollup.flush(Origin.ofPartition(0, 0, 0)).partials();
        store.write(partials);
        mongoClient = MongoClients.create(MONGO.connectionString());
        MongoDatabase db = mongoClient.getDatabase("stats");
        new LegacyPartialWriter(db).write(partials);
        legacy = new LegacyHistoryReader(db);
        deletion = new KairosDeletion(config);
        TenantTokens tokens = new TenantTokens(List.of(
                Token.admin(TenantTokens.sha256Hex(ADMIN), Scope.QUERY, Scope.INGEST),
                Token.admin(TenantTokens.sha256Hex(ADMIN_QUERY_ONLY), Scope.QUERY),
                Token.ofTenant("acme", TenantTokens.sha256Hex(ACME), Scope.QUERY, Scope.INGEST)));
        api = new ApiServer(Settings.BIND_ADDRESS, 0, HttpEdge.DEFAULTS)
                .route(DeleteEndpoint.PATH, new DeleteEndpoint(tokens, new DeleteDataService(List.of(deletion, new LegacyDeletion(db))),
                        InstantSource.system()))
                .start();
        url = "http://" + Settings.BIND_ADDRESS + ":" + api.port();
        // KairosDB answers writes before their points are readable: 3 tenants, 3 series, 3 hours, a bucket at
        // minutes and one at hours each; the legacy store has no gauges
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(snapshot().values().stream()
                .mapToInt(List::size).sum()).as(() -> snapshot().keySet().toString()).isEqualTo(3 * 3 * 3 * 2 + 3 * 2 * 3 * 2));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** Every stored bucket of every series in both stores, per store, series, kind and resolution. */
    static Map<String, List<StoredBucket>> snapshot() {
        Map<String, List<StoredBucket>> all = new TreeMap<>();
        Map<String, ReadBucketsPort> stores = Map.of("kairosdb", store, "legacy", legacy);
        stores.forEach((name, reads) -> {
            for (SeriesKey key : reads.listSeries("", ALL)) {
                for (Resolution resolution : List.of(Resolution.MINUTE, Resolution.HOUR)) {
                    List<StoredBucket> buckets = reads.readBuckets(key, resolution, ALL);
                    if (!buckets.isEmpty()) {
                        all.put(name + " " + key.kind() + " " + key.series() + " " + resolution.name(), buckets);
                    }
                }
            }
        });
        return all;
    }

    /** {@code before} without the buckets of {@code tenant}'s {@code metric} (null: every metric) starting in [from, to). */
    static Map<String, List<StoredBucket>> without(Map<String, List<StoredBucket>> before, String tenant, String metric,
                                                   long from, long to) {
        Map<String, List<StoredBucket>> left = new TreeMap<>();
        before.forEach((key, buckets) -> {
            List<StoredBucket> kept = new ArrayList<>();
            for (StoredBucket b : buckets) {
                boolean selected = b.series().tags().value("tenant").equals(Optional.of(tenant))
                        && (metric == null || b.series().metric().equals(metric))
                        && b.bucket().start() >= from && b.bucket().start() < to;
                if (!selected) {
                    kept.add(b);
                }
            }
            if (!kept.isEmpty()) {
                left.put(key, kept);
            }
        });
        return left;
    }

    static CommandLineRun run(String... args) {
        return CommandLineRun.of(args);
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    @Test
    void deletingOneTenantsMetricOverARangeRemovesExactlyThatAndADryRunNothing() {
        Map<String, List<StoredBucket>> before = snapshot();
        Map<String, List<StoredBucket>> expected = without(before, "acme", "page.views", T0 + HOUR, T0 + 2 * HOUR);
        // home and about, at minutes and hours, in the one hour, in each store: 4 points each
        assertThat(before.values().stream().mapToInt(List::size).sum()
                - expected.values().stream().mapToInt(List::size).sum()).isEqualTo(8);
        String[] delete = {"delete", "--tenant", "acme", "--metric", "page.views", "--from", iso(T0 + HOUR), "--to",
                iso(T0 + 2 * HOUR), "--url", url, "--token", ADMIN};

        CommandLineRun dryRun = run(delete);
        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("would delete (a dry run; --yes deletes): tenant acme, metric page.views")
                .contains("kairosdb   page.views ").contains("page.views:1h:count").contains("legacy     page.views ")
                .contains("8 points in all");
        assertThat(snapshot()).isEqualTo(before);

        String[] confirmed = Arrays.copyOf(delete, delete.length + 1);
        confirmed[delete.length] = "--yes";
        CommandLineRun deleted = run(confirmed);
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).startsWith("deleted: tenant acme, metric page.views").contains("8 points in all");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(snapshot()).isEqualTo(expected));
        // a legacy day's total stays the sum of its hours
        for (Document day : mongoClient.getDatabase("stats").getCollection(LegacySchema.COLLECTION)
                .find(Filters.eq("tags.tenant", "acme"))) {
            long hours = day.get(LegacySchema.HOURS, Document.class).values().stream()
                    .mapToLong(v -> ((Number) v).longValue()).sum();
            assertThat(((Number) day.get(LegacySchema.TOTAL)).longValue()).as(day.toJson()).isEqualTo(hours);
        }
    }

    @Test
    void deletingATenantWithoutMetricOrRangeRemovesAllItsPointsAndNoOneElses() {
        Map<String, List<StoredBucket>> before = snapshot();
        Map<String, List<StoredBucket>> expected = without(before, "initech", null, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(expected).isNotEqualTo(before);
        CommandLineRun deleted = run("delete", "--tenant", "initech", "--yes", "--url", url, "--token", ADMIN);
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("queue.depth:1m:gauge").contains("page.views:1h:count");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(snapshot()).isEqualTo(expected));
    }

    @Test
    void onlyAnAdministratorWithTheIngestScopeDeletesAndARangeMustBeWholeHours() {
        Map<String, List<StoredBucket>> before = snapshot();
        CommandLineRun tenant = run("delete", "--tenant", "acme", "--yes", "--url", url, "--token", ACME);
        assertThat(tenant.exit()).isEqualTo(1);
        assertThat(tenant.err()).contains("403 deleting data needs an administrator's token");
        CommandLineRun readOnly = run("delete", "--tenant", "acme", "--yes", "--url", url, "--token", ADMIN_QUERY_ONLY);
        assertThat(readOnly.err()).contains("403 this token may not ingest");
        CommandLineRun cut = run("delete", "--tenant", "acme", "--from", iso(T0 + 60_000), "--to", iso(T0 + HOUR), "--yes",
                "--url", url, "--token", ADMIN);
        assertThat(cut.exit()).isEqualTo(1);
        assertThat(cut.err()).contains("400 'from' must be a whole hour (UTC)");
        CommandLineRun noTenant = run("delete", "--url", url, "--token", ADMIN);
        assertThat(noTenant.exit()).isNotZero();
        assertThat(noTenant.err()).contains("--tenant");
        assertThat(snapshot()).isEqualTo(before);
    }
}
