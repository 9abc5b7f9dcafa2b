package io.statspipe.adapter.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.DayRange;
import io.statspipe.ports.out.LegacyHistoryPort.LegacyDocument;
import io.statspipe.ports.out.ScanReport;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class LegacyHistoryReaderTest extends LegacyStoreTestBase {
    private static final LocalDate DAY = LocalDate.parse("2026-11-25");
    private static final long START = Instant.parse("2026-11-25T00:00:00Z").toEpochMilli();
    private static final DayRange TWO_DAYS = new DayRange(DAY, DAY.plusDays(1));
    private static final Series VIEWS = Series.of("web.views", "site", "42", "page", "home");
    private static final Series LATENCY = Series.of("api.latency", "route", "login");

    /** Events over two days; the expected buckets are counted here, independently of any store. */
    private final Map<String, TreeMap<Long, Long>> expected = new TreeMap<>();
    private final List<Event> events = new ArrayList<>();

    private void writeHistory() {
        Random random = new Random(7);
        LegacyEventWriter writer = new LegacyEventWriter(database);
        for (int i = 0; i < 600; i++) {
            long t = START + (long) (random.nextDouble() * 2 * LegacySchema.DAY_MILLIS);
            Event e = i % 3 == 0 ? Event.distribution(LATENCY, t, 1 + random.nextInt(1000))
                    : Event.counter(VIEWS, t, 1 + random.nextInt(5));
            writer.record(e);
            events.add(e);
            long n = e.kind() == Kind.COUNTER ? e.increment() : e.weight();
            expected.computeIfAbsent(e.series() + "/1m", k -> new TreeMap<>()).merge(Resolution.MINUTE.bucketOf(t).start(), n, Long::sum);
            expected.computeIfAbsent(e.series() + "/1h", k -> new TreeMap<>()).merge(Resolution.HOUR.bucketOf(t).start(), n, Long::sum);
        }
    }

    private static TreeMap<Long, Long> counts(List<StoredBucket> buckets, Series series, Resolution resolution) {
        TreeMap<Long, Long> counts = new TreeMap<>();
        buckets.stream().filter(b -> b.series().equals(series) && b.resolution().equals(resolution))
                .forEach(b -> counts.merge(b.bucket().start(), b.aggregate().count(), Long::sum));
        return counts;
    }

    @Test
    void scanRoundTripsEveryBucketOfEveryDocumentInIdOrder() {
        writeHistory();
        List<LegacyDocument> docs = new ArrayList<>();

        ScanReport report = new LegacyHistoryReader(database).scan(TWO_DAYS, "", "", docs::add);

        assertThat(docs).extracting(LegacyDocument::id).containsExactly(
                "api.latency|route=login|2026-11-25", "api.latency|route=login|2026-11-26",
                "web.views|page=home,site=42|2026-11-25", "web.views|page=home,site=42|2026-11-26");
        List<StoredBucket> all = docs.stream().flatMap(d -> d.buckets().stream()).toList();
        for (Series s : List.of(VIEWS, LATENCY)) {
            assertThat(counts(all, s, Resolution.MINUTE)).isEqualTo(expected.get(s + "/1m"));
            assertThat(counts(all, s, Resolution.HOUR)).isEqualTo(expected.get(s + "/1h"));
        }
        assertThat(report.documents()).isEqualTo(4);
        assertThat(report.buckets()).isEqualTo(all.size());
        assertThat(report.skipped()).isEmpty();
        assertThat(docs.get(0).buckets()).isSortedAccordingTo((a, b) -> a.bucket().compareTo(b.bucket()));
    }

    @Test
    void timingBucketsHaveExactCountsAndMergeBackToTheDaysSumMinAndMax() {
        writeHistory();
        List<LegacyDocument> docs = new ArrayList<>();

        new LegacyHistoryReader(database).scan(new DayRange(DAY, DAY), "api.", "", docs::add);

        assertThat(docs).hasSize(1);
        List<Event> today = events.stream().filter(e -> e.series().equals(LATENCY) && e.timestamp() < START + LegacySchema.DAY_MILLIS).toList();
        for (Resolution resolution : List.of(Resolution.MINUTE, Resolution.HOUR)) {
            Aggregate day = docs.get(0).buckets().stream().filter(b -> b.resolution().equals(resolution))
                    .map(StoredBucket::aggregate).reduce(Aggregate::merge).orElseThrow();
            DistributionAggregate d = (DistributionAggregate) day;
            assertThat(d.count()).isEqualTo(today.size());
            assertThat(d.sum()).isCloseTo(today.stream().mapToDouble(Event::value).sum(), within(1e-6));
            assertThat(d.min()).isEqualTo(today.stream().mapToDouble(Event::value).min().orElseThrow());
            assertThat(d.max()).isEqualTo(today.stream().mapToDouble(Event::value).max().orElseThrow());
        }
    }

    @Test
    void aScanResumesAfterTheDocumentItWasGiven() {
        writeHistory();
        List<LegacyDocument> docs = new ArrayList<>();

        ScanReport report = new LegacyHistoryReader(database).scan(TWO_DAYS, "", "api.latency|route=login|2026-11-26", docs::add);

        assertThat(docs).extracting(LegacyDocument::id).containsExactly(
                "web.views|page=home,site=42|2026-11-25", "web.views|page=home,site=42|2026-11-26");
        assertThat(report.documents()).isEqualTo(2);
    }

    @Test
    void aScanReadsOnlyTheDaysAndMetricsAskedFor() {
        writeHistory();
        List<LegacyDocument> docs = new ArrayList<>();

        new LegacyHistoryReader(database).scan(new DayRange(DAY.plusDays(1), DAY.plusDays(3)), "web", "", docs::add);

        assertThat(docs).extracting(LegacyDocument::id).containsExactly("web.views|page=home,site=42|2026-11-26");
    }

    @Test
    void malformedDocumentsAreReportedWithTheirReasonAndTheOthersStillRead() {
        writeHistory();
        statsDaily().insertMany(List.of(
                new Document("_id", 42).append("m", new Document("1", 1)),
                new Document("_id", "no separators").append("m", new Document("1", 1)),
                new Document("_id", "a.late.minute||2026-11-25").append("m", new Document("1440", 1)),
                new Document("_id", "a.word.count||2026-11-25").append("m", new Document("3", "many")),
                new Document("_id", "a.negative||2026-11-25").append("h", new Document("3", -2)),
                new Document("_id", "a.half.timing||2026-11-25").append("m", new Document("3", 1)).append("sum", 4.0),
                new Document("_id", "a.numeric.day||2026-11-25").append("day", 20261125).append("m", new Document("3", 1)),
                new Document("_id", "a.other.day||2026-11-25").append("day", "2026-11-26").append("m", new Document("3", 1)),
                new Document("_id", "a.spaced|page=my page|2026-11-25").append("m", new Document("3", 1)),
                // tags written in another order, counts as int32 and whole doubles: all fine
                new Document("_id", "a.fine|b=2,a=1|2026-11-25").append("metric", "a.fine")
                        .append("tags", new Document("b", "2").append("a", "1")).append("day", "2026-11-25")
                        .append("m", new Document("3", 1).append("4", 2.0)).append("h", new Document("0", 3))));
        List<LegacyDocument> docs = new ArrayList<>();

        ScanReport report = new LegacyHistoryReader(database).scan(TWO_DAYS, "", "", docs::add);

        assertThat(report.skipped()).containsExactlyInAnyOrder(
                "42: _id is not a string but Integer",
                "no separators: _id is not metric|tags|day",
                "a.late.minute||2026-11-25: key '1440' in 'm' is not a number from 0 to 1439",
                "a.word.count||2026-11-25: 'm.3' is not a whole number but String many",
                "a.negative||2026-11-25: 'h.3' is negative: -2",
                "a.half.timing||2026-11-25: a timing needs sum, min and max; it has only sum",
                "a.numeric.day||2026-11-25: 'day' is not a string but Integer",
                "a.other.day||2026-11-25: fields metric/tags/day say a.other.day||2026-11-26 but _id says otherwise",
                "a.spaced|page=my page|2026-11-25: _id: tag value 'my page' in tag 'page' may hold only letters, digits and _ - . / : @ +");
        assertThat(docs).extracting(LegacyDocument::id).containsExactly("a.fine|b=2,a=1|2026-11-25",
                "api.latency|route=login|2026-11-25", "api.latency|route=login|2026-11-26",
                "web.views|page=home,site=42|2026-11-25", "web.views|page=home,site=42|2026-11-26");
        assertThat(docs.get(0).buckets()).extracting(b -> b.series(), b -> b.bucket().start(), b -> b.aggregate().count())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Series.of("a.fine", "a", "1", "b", "2"), START, 3L),
                        org.assertj.core.groups.Tuple.tuple(Series.of("a.fine", "a", "1", "b", "2"), START + 180_000, 1L),
                        org.assertj.core.groups.Tuple.tuple(Series.of("a.fine", "a", "1", "b", "2"), START + 240_000, 2L));
        assertThat(report.documents()).isEqualTo(5);
    }

    @Test
    void verificationListsSeriesWithDataInTheRangeAndReadsTheirBuckets() {
        writeHistory();
        LegacyHistoryReader reader = new LegacyHistoryReader(database);
        TimeRange secondDay = new TimeRange(START + LegacySchema.DAY_MILLIS, START + 2 * LegacySchema.DAY_MILLIS);

        assertThat(reader.listSeries("", secondDay)).containsExactlyInAnyOrder(
                new SeriesKey(VIEWS, Kind.COUNTER), new SeriesKey(LATENCY, Kind.DISTRIBUTION));
        assertThat(reader.listSeries("web", secondDay)).containsExactly(new SeriesKey(VIEWS, Kind.COUNTER));
        assertThat(reader.listSeries("", new TimeRange(START - 1000, START))).isEmpty();

        TimeRange afternoon = new TimeRange(START + 12 * LegacySchema.HOUR_MILLIS, START + 30 * LegacySchema.HOUR_MILLIS);
        List<StoredBucket> minutes = reader.readBuckets(new SeriesKey(VIEWS, Kind.COUNTER), Resolution.MINUTE, afternoon);
        assertThat(counts(minutes, VIEWS, Resolution.MINUTE)).isEqualTo(
                new TreeMap<>(expected.get(VIEWS + "/1m").subMap(afternoon.from(), afternoon.to())));
        assertThat(minutes).isSortedAccordingTo((a, b) -> a.bucket().compareTo(b.bucket()));
        List<StoredBucket> hours = reader.readBuckets(new SeriesKey(LATENCY, Kind.DISTRIBUTION), Resolution.HOUR, afternoon);
        assertThat(counts(hours, LATENCY, Resolution.HOUR)).isEqualTo(
                new TreeMap<>(expected.get(LATENCY + "/1h").subMap(afternoon.from(), afternoon.to())));
        assertThat(reader.readBuckets(new SeriesKey(VIEWS, Kind.DISTRIBUTION), Resolution.HOUR, afternoon)).isEmpty();
    }
}
