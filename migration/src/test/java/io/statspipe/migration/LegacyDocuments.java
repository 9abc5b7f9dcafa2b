package io.statspipe.migration;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Bucket;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.DayRange;
import io.statspipe.ports.out.LegacyHistoryPort;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.ScanReport;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A test fixture of legacy history: one document per (series, day) holding minute and hour
 * counts, scanned in id order as the legacy adapter does. Not an engine: the legacy adapter is
 * tested against a real MongoDB-protocol server.
 */
final class LegacyDocuments implements LegacyHistoryPort, ReadBucketsPort {
    private final TreeMap<String, List<StoredBucket>> documents = new TreeMap<>();

    /** Counts {@code count} events of a counter series at {@code at}, like the old pipeline's $inc. */
    void count(Series series, Instant at, long count) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        String id = series.metric() + "|" + series.tags() + "|" + day;
        List<StoredBucket> buckets = documents.computeIfAbsent(id, k -> new ArrayList<>());
        for (Resolution r : List.of(Resolution.MINUTE, Resolution.HOUR)) {
            Bucket b = r.bucketOf(at.toEpochMilli());
            int i = indexOf(buckets, r, b);
            if (i < 0) {
                buckets.add(new StoredBucket(series, r, b, new CounterAggregate(count)));
            } else {
                buckets.set(i, new StoredBucket(series, r, b, buckets.get(i).aggregate().merge(new CounterAggregate(count))));
            }
        }
    }

    void removeDocumentsOf(Series series) {
        documents.values().removeIf(list -> list.stream().anyMatch(b -> b.series().equals(series)));
    }

    void setMinute(Series series, Instant minute, long count) {
        documents.values().forEach(list -> list.replaceAll(b -> b.series().equals(series)
                && b.resolution().equals(Resolution.MINUTE) && b.bucket().start() == minute.toEpochMilli()
                ? new StoredBucket(series, Resolution.MINUTE, b.bucket(), new CounterAggregate(count)) : b));
    }

    @Override
    public ScanReport scan(DayRange days, String metricPrefix, String resumeAfter, Consumer<LegacyDocument> sink) {
        long docs = 0;
        long buckets = 0;
        for (Map.Entry<String, List<StoredBucket>> doc : documents.tailMap(resumeAfter, false).entrySet()) {
            LocalDate day = LocalDate.parse(doc.getKey().substring(doc.getKey().lastIndexOf('|') + 1));
            if (doc.getKey().startsWith(metricPrefix) && !day.isBefore(days.first()) && !day.isAfter(days.last())) {
                sink.accept(new LegacyDocument(doc.getKey(), doc.getValue()));
                docs++;
                buckets += doc.getValue().size();
            }
        }
        return new ScanReport(docs, buckets, List.of());
    }

    @Override
    public OptionalLong estimateDocuments(DayRange days, String metricPrefix) {
        return OptionalLong.of(documents.size());
    }

    @Override
    public Set<SeriesKey> listSeries(String metricPrefix, TimeRange range) {
        return documents.values().stream().flatMap(List::stream)
                .filter(b -> b.series().metric().startsWith(metricPrefix) && range.contains(b.bucket().start()))
                .map(b -> new SeriesKey(b.series(), Kind.COUNTER)).collect(Collectors.toSet());
    }

    @Override
    public List<StoredBucket> readBuckets(SeriesKey series, Resolution resolution, TimeRange range) {
        TreeMap<Long, Aggregate> merged = new TreeMap<>();
        documents.values().stream().flatMap(List::stream)
                .filter(b -> b.series().equals(series.series()) && b.resolution().equals(resolution)
                        && range.contains(b.bucket().start()))
                .forEach(b -> merged.merge(b.bucket().start(), b.aggregate(), Aggregate::merge));
        return merged.entrySet().stream().map(e -> new StoredBucket(series.series(), resolution,
                new Bucket(e.getKey(), resolution.widthMillis()), e.getValue())).toList();
    }

    private static int indexOf(List<StoredBucket> buckets, Resolution r, Bucket b) {
        for (int i = 0; i < buckets.size(); i++) {
            if (buckets.get(i).resolution().equals(r) && buckets.get(i).bucket().equals(b)) {
                return i;
            }
        }
        return -1;
    }
}
