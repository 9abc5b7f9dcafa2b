package io.statspipe.app.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.mongo.LegacyEventWriter;
import io.statspipe.adapter.mongo.LegacyHistoryGenerator;
import io.statspipe.adapter.mongo.LegacyHistoryReader;
import io.statspipe.adapter.mongo.LegacyMongoExtension;
import io.statspipe.adapter.mongo.LegacySchema;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.migration.Backfill;
import io.statspipe.migration.Coverage;
import io.statspipe.migration.Discrepancy;
import io.statspipe.migration.FileProgress;
import io.statspipe.migration.MigrationLedger;
import io.statspipe.migration.RateLimit;
import io.statspipe.migration.Verification;
import io.statspipe.migration.VerificationReport;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backfill and verification on the real stores (a MongoDB-protocol server and KairosDB on H2):
 * a backfill run twice stores what a run once does, and verification finds every discrepancy
 * injected into either store — a missing legacy document, a missing KairosDB data point, a
 * changed legacy value, an extra series in KairosDB — and nothing else.
 */
class VerificationOnRealStoresTest {
    static final LocalDate FIRST_DAY = LocalDate.now(ZoneOffset.UTC).minusDays(4);
    static final LegacyHistoryGenerator.Plan PLAN = new LegacyHistoryGenerator.Plan(FIRST_DAY, 2, 4, 0, 30, 11L);
    static final Instant BOUNDARY = FIRST_DAY.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant();
    static final TimeRange RANGE = new TimeRange(FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
            BOUNDARY.toEpochMilli());
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);

    @RegisterExtension
    static final LegacyMongoExtension MONGO = new LegacyMongoExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();
    @TempDir
    static Path dir;
    static MongoClient client;

    @BeforeAll
    static void start() {
        client = MongoClients.create(MONGO.connectionString());
        LegacyHistoryGenerator.generate(PLAN, new LegacyEventWriter(client.getDatabase("stats")));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void backfillTwiceEqualsOnceAndVerificationFindsExactlyTheInjectedDiscrepancies() throws Exception {
        MongoDatabase database = client.getDatabase("stats");
        LegacyHistoryReader legacy = new LegacyHistoryReader(database);
        List<Series> series = PLAN.series();
        try (KairosAggregateStore fresh = new KairosAggregateStore(KairosStoreConfig.of(KAIROS.httpUrl()))) {
            MigrationLedger ledger = new MigrationLedger(new FileProgress(dir.resolve("ledger")));
            Verification verification = new Verification(legacy, fresh, RESOLUTIONS, Set.of(Kind.COUNTER), ledger,
                    InstantSource.system());

            backfill(legacy, fresh, "first");
            VerificationReport clean = verifyUntil(verification, VerificationReport::clean);
            assertThat(clean.seriesCompared()).isEqualTo(series.size());
            TreeMap<String, Long> once = stored(fresh, series);

            backfill(legacy, fresh, "second");
            // A marker written after the second run becomes visible after it (KairosDB ingests in order).
            Series extra = Series.of(series.get(0).metric(), "site", "extra");
            fresh.write(List.of(marker(extra)));
            verifyUntil(verification, r -> r.discrepancies().stream().anyMatch(d -> d.series().series().equals(extra)));
            assertThat(stored(fresh, series)).isEqualTo(once);

            // Inject one discrepancy of each kind, into one store or the other.
            Series gone = series.get(1);
            long deleted = database.getCollection(LegacySchema.COLLECTION).deleteMany(
                    Filters.and(Filters.eq(LegacySchema.METRIC, gone.metric()), tagsFilter(gone))).getDeletedCount();
            assertThat(deleted).isEqualTo(PLAN.days());
            Series pointless = series.get(2);
            StoredBucket dropped = fresh.readBuckets(new SeriesKey(pointless, Kind.COUNTER), Resolution.MINUTE, RANGE).get(0);
            deleteMinutePoint(pointless, dropped.bucket().start());
            Series changed = series.get(3);
            StoredBucket before = legacy.readBuckets(new SeriesKey(changed, Kind.COUNTER), Resolution.MINUTE, RANGE).get(0);
            incrementLegacyMinute(database.getCollection(LegacySchema.COLLECTION), changed, before.bucket().start(), 5);

            VerificationReport report = verifyUntil(verification, r -> r.discrepancies().size() == 4);

            assertThat(report.discrepancies()).containsExactlyInAnyOrder(
                    new Discrepancy.MissingSeries(new SeriesKey(gone, Kind.COUNTER), Discrepancy.Store.LEGACY),
                    new Discrepancy.MissingBucket(new SeriesKey(pointless, Kind.COUNTER), Resolution.MINUTE,
                            dropped.bucket().start(), Discrepancy.Store.NEW, dropped.aggregate().count()),
                    new Discrepancy.DifferentValue(new SeriesKey(changed, Kind.COUNTER), Resolution.MINUTE,
                            before.bucket().start(), before.aggregate().count() + 5, before.aggregate().count()),
                    new Discrepancy.MissingSeries(new SeriesKey(extra, Kind.COUNTER), Discrepancy.Store.LEGACY));
            assertThat(report.exitCode()).isEqualTo(1);
        }
    }

    private void backfill(LegacyHistoryReader legacy, KairosAggregateStore fresh, String run) {
        FileProgress progress = new FileProgress(dir.resolve("progress-" + run));
        Backfill.Result result = new Backfill(legacy, fresh, progress, new MigrationLedger(progress), InstantSource.system(),
                RateLimit.unlimited(), 500).run(FIRST_DAY, BOUNDARY, "", p -> { }, () -> false);
        assertThat(result.completed()).isTrue();
        assertThat(result.skipped()).isEmpty();
    }

    private static io.statspipe.domain.Partial marker(Series s) {
        io.statspipe.domain.Bucket bucket = Resolution.MINUTE.bucketOf(RANGE.from() + 60_000);
        return new io.statspipe.domain.Partial(new io.statspipe.domain.PartialId(s, Kind.COUNTER, Resolution.MINUTE,
                bucket, new io.statspipe.domain.Origin("p0", 0, 0)), new io.statspipe.domain.CounterAggregate(1),
                java.util.EnumSet.allOf(io.statspipe.domain.Aggregation.Type.class));
    }

    private static TreeMap<String, Long> stored(KairosAggregateStore store, List<Series> series) {
        TreeMap<String, Long> values = new TreeMap<>();
        for (Series s : series) {
            for (Resolution r : RESOLUTIONS) {
                for (StoredBucket b : store.readBuckets(new SeriesKey(s, Kind.COUNTER), r, RANGE)) {
                    values.put(s + " " + r + " " + b.bucket().start(), b.aggregate().count());
                }
            }
        }
        return values;
    }

    private static VerificationReport verifyUntil(Verification verification,
                                                  java.util.function.Predicate<VerificationReport> done) {
        AtomicReference<VerificationReport> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            VerificationReport report = verification.verify(RANGE, "", Coverage.allSeries());
            last.set(report);
            assertThat(done.test(report)).as("verification: " + report.discrepancies().stream()
                    .map(Discrepancy::describe).collect(Collectors.joining("; "))).isTrue();
        });
        return last.get();
    }

    private static org.bson.conversions.Bson tagsFilter(Series s) {
        return Filters.and(s.tags().asMap().entrySet().stream()
                .map(e -> Filters.eq(LegacySchema.TAGS + "." + e.getKey(), e.getValue())).toList());
    }

    private static void incrementLegacyMinute(MongoCollection<Document> docs, Series s, long minuteStart, long by) {
        LocalDate day = Instant.ofEpochMilli(minuteStart).atZone(ZoneOffset.UTC).toLocalDate();
        int minuteOfDay = (int) ((minuteStart - day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()) / 60_000);
        long matched = docs.updateOne(Filters.and(Filters.eq(LegacySchema.METRIC, s.metric()), tagsFilter(s),
                Filters.eq(LegacySchema.DAY, day.toString())), Updates.inc(LegacySchema.MINUTES + "." + minuteOfDay, by))
                .getMatchedCount();
        assertThat(matched).isEqualTo(1);
    }

    /** Deletes the finest-resolution count point of a counter (stored under its own metric name) in one minute. */
    private static void deleteMinutePoint(Series s, long minuteStart) throws Exception {
        StringBuilder tags = new StringBuilder();
        s.tags().asMap().forEach((k, v) -> tags.append(tags.isEmpty() ? "" : ",").append('"').append(k)
                .append("\":[\"").append(v).append("\"]"));
        String body = "{\"start_absolute\":" + minuteStart + ",\"end_absolute\":" + (minuteStart + 59_999)
                + ",\"metrics\":[{\"name\":\"" + s.metric() + "\",\"tags\":{" + tags + "}}]}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(KAIROS.httpUrl() + "/api/v1/datapoints/delete"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }
}
