package io.statspipe.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.fixtures.InMemoryProgress;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.SeriesKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackfillAndVerificationTest {
    private static final LocalDate FIRST_DAY = LocalDate.parse("2026-02-25");
    private static final Instant BOUNDARY = Instant.parse("2026-03-01T11:00:00Z");
    private static final TimeRange BACKFILLED = new TimeRange(FIRST_DAY.atStartOfDay().toInstant(java.time.ZoneOffset.UTC)
            .toEpochMilli(), BOUNDARY.toEpochMilli());

    private final LegacyDocuments legacy = new LegacyDocuments();
    private final ManualClock clock = new ManualClock(BOUNDARY.plusSeconds(7 * 3600));
    private long events;

    @BeforeEach
    void history() {
        Random random = new Random(7);
        for (int i = 0; i < 4_000; i++) {
            long at = BACKFILLED.from() + (long) (random.nextDouble() * (BOUNDARY.toEpochMilli() + 7_200_000 - BACKFILLED.from()));
            legacy.count(Series.of("page.views", "site", "s" + random.nextInt(12)), Instant.ofEpochMilli(at), 1 + random.nextInt(3));
            events++;
        }
    }

    @Test
    void aBackfillKilledThreeTimesAndResumedStoresWhatOneRunStores() {
        InMemoryAggregateStore once = new InMemoryAggregateStore();
        Backfill.Result single = backfill(once, new InMemoryProgress()).run(FIRST_DAY, BOUNDARY, "", p -> { }, () -> false);

        InMemoryAggregateStore resumed = new InMemoryAggregateStore();
        InMemoryProgress progress = new InMemoryProgress();
        int kills = 0;
        Backfill.Result result;
        do {
            AtomicInteger documents = new AtomicInteger();
            int killAfter = 7 + kills * 5;
            boolean kill = kills < 3;
            result = backfill(resumed, progress).run(FIRST_DAY, BOUNDARY, "", p -> { },
                    () -> kill && documents.incrementAndGet() > killAfter);
            kills++;
        } while (!result.completed());

        assertThat(single.completed()).isTrue();
        assertThat(kills).isEqualTo(4);
        assertThat(storedCounts(resumed)).isEqualTo(storedCounts(once)).isNotEmpty();
    }

    @Test
    void aBackfillRunTwiceStoresWhatARunOnceStores() {
        InMemoryAggregateStore store = new InMemoryAggregateStore();
        backfill(store, new InMemoryProgress()).run(FIRST_DAY, BOUNDARY, "", p -> { }, () -> false);
        List<String> afterOne = storedCounts(store);

        backfill(store, new InMemoryProgress()).run(FIRST_DAY, BOUNDARY, "", p -> { }, () -> false);

        assertThat(storedCounts(store)).isEqualTo(afterOne);
    }

    @Test
    void backfillCopiesOnlyBucketsBeforeTheBoundary() {
        InMemoryAggregateStore store = new InMemoryAggregateStore();
        List<Backfill.Progress> progress = new ArrayList<>();
        backfill(store, new InMemoryProgress()).run(FIRST_DAY, BOUNDARY, "", progress::add, () -> false);

        TimeRange after = new TimeRange(BOUNDARY.toEpochMilli(), BOUNDARY.toEpochMilli() + 86_400_000L);
        assertThat(store.listSeries("", after)).isEmpty();
        long copied = store.listSeries("", BACKFILLED).stream()
                .flatMap(k -> store.readBuckets(k, Resolution.MINUTE, BACKFILLED).stream())
                .mapToLong(b -> b.aggregate().count()).sum();
        long inLegacy = legacy.listSeries("", BACKFILLED).stream()
                .flatMap(k -> legacy.readBuckets(k, Resolution.MINUTE, BACKFILLED).stream())
                .mapToLong(b -> b.aggregate().count()).sum();
        assertThat(copied).isEqualTo(inLegacy).isPositive();
        assertThat(progress).last().satisfies(p -> assertThat(p.eta()).isPresent());
    }

    @Test
    void verificationFindsEveryInjectedDiscrepancyAndNothingElse() {
        InMemoryAggregateStore fresh = new InMemoryAggregateStore();
        InMemoryProgress progress = new InMemoryProgress();
        backfill(fresh, progress).run(FIRST_DAY, BOUNDARY, "", p -> { }, () -> false);
        Verification verification = new Verification(legacy, fresh, List.of(Resolution.MINUTE, Resolution.HOUR),
                Set.of(Kind.COUNTER, Kind.DISTRIBUTION), new MigrationLedger(progress), clock);
        assertThat(verification.verify(BACKFILLED, "", Coverage.allSeries()).discrepancies()).isEmpty();

        Series gone = Series.of("page.views", "site", "s3");
        legacy.removeDocumentsOf(gone);                                  // missing document
        Series changed = Series.of("page.views", "site", "s5");
        long minute = fresh.readBuckets(new SeriesKey(changed, Kind.COUNTER), Resolution.MINUTE, BACKFILLED).get(0).bucket().start();
        legacy.setMinute(changed, Instant.ofEpochMilli(minute), 1_000_000);   // changed value
        Series extra = Series.of("page.views", "site", "extra");
        legacy.count(extra, Instant.ofEpochMilli(BACKFILLED.from() + 5), 1);   // extra series
        Series pointless = Series.of("page.views", "site", "s7");
        long dropped = fresh.readBuckets(new SeriesKey(pointless, Kind.COUNTER), Resolution.MINUTE, BACKFILLED).get(0)
                .bucket().start();
        fresh.removePoints(pointless, Resolution.MINUTE, dropped);              // missing data point

        VerificationReport report = verification.verify(BACKFILLED, "", Coverage.allSeries());

        assertThat(report.clean()).isFalse();
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.discrepancies()).extracting(d -> d.getClass().getSimpleName() + " " + d.series().series())
                .containsExactlyInAnyOrder(
                        "MissingSeries " + extra,
                        "MissingSeries " + gone,
                        "DifferentValue " + changed,
                        "MissingBucket " + pointless);
        assertThat(report.discrepancies()).filteredOn(d -> d.series().series().equals(pointless)).singleElement()
                .isEqualTo(new Discrepancy.MissingBucket(new SeriesKey(pointless, Kind.COUNTER), Resolution.MINUTE,
                        dropped, Discrepancy.Store.NEW, legacy.readBuckets(new SeriesKey(pointless, Kind.COUNTER),
                        Resolution.MINUTE, BACKFILLED).get(0).aggregate().count()));
    }

    @Test
    void aSampleStatesItsConfidenceAndACleanFullVerificationIsRecorded() {
        InMemoryAggregateStore fresh = new InMemoryAggregateStore();
        InMemoryProgress progress = new InMemoryProgress();
        MigrationLedger ledger = new MigrationLedger(progress);
        backfill(fresh, progress).run(FIRST_DAY, BOUNDARY, "", p -> { }, () -> false);
        Verification verification = new Verification(legacy, fresh, List.of(Resolution.MINUTE), Set.of(Kind.COUNTER), ledger, clock);

        VerificationReport sampled = verification.verify(BACKFILLED, "", Coverage.sample(0.9, 0.5, 1));
        assertThat(sampled.seriesCompared()).isEqualTo(4);
        assertThat(sampled.coverage()).isEqualTo("4 of 12 series sampled: if 50.00% or more of all series differed,"
                + " a clean sample had less than a 10.0% chance");
        assertThat(ledger.verifiedClean()).as("a sample does not clear the way to NEW_PRIMARY").isEmpty();

        assertThat(verification.verify(BACKFILLED, "", Coverage.allSeries()).clean()).isTrue();
        assertThat(ledger.verifiedClean()).map(MigrationLedger.Done::range).contains(BACKFILLED);
    }

    private Backfill backfill(InMemoryAggregateStore store, InMemoryProgress progress) {
        return new Backfill(legacy, store, progress, new MigrationLedger(progress), clock, RateLimit.unlimited(), 50);
    }

    private static List<String> storedCounts(InMemoryAggregateStore store) {
        return store.listSeries("", BACKFILLED).stream()
                .flatMap(k -> java.util.stream.Stream.of(Resolution.MINUTE, Resolution.HOUR)
                        .flatMap(r -> store.readBuckets(k, r, BACKFILLED).stream()))
                .map(b -> b.series() + " " + b.resolution() + " " + b.bucket().start() + " " + b.aggregate().count())
                .sorted().toList();
    }
}
