package io.statspipe.adapter.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.statspipe.domain.Resolution;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.DayRange;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.LegacyHistoryPort;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.ScanReport;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the legacy store: every document of a day range as minute and hour buckets for
 * backfill (resumable, in document-id order), and series and buckets for verification.
 * A malformed document is skipped and reported with the reason; it never stops a scan.
 */
public final class LegacyHistoryReader implements LegacyHistoryPort, ReadBucketsPort {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyHistoryReader.class);
    private static final int BATCH = 500;
    private static final Pattern DAY_SHAPE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");

    private final MongoCollection<Document> collection;

    public LegacyHistoryReader(MongoDatabase database) {
        this.collection = database.getCollection(LegacySchema.COLLECTION);
    }

    @Override
    public ScanReport scan(DayRange days, String metricPrefix, String resumeAfter, Consumer<LegacyDocument> sink) {
        long[] counts = new long[2];
        List<String> skipped = new ArrayList<>();
        LOG.info("scanning legacy documents of {} to {}{}{}", days.first(), days.last(),
                metricPrefix.isEmpty() ? "" : ", metrics starting with '" + metricPrefix + "'",
                resumeAfter.isEmpty() ? "" : ", after " + resumeAfter);
        forEachDay(days, metricPrefix, resumeAfter, (doc, day) -> {
            List<StoredBucket> buckets = new ArrayList<>(day.buckets(Resolution.MINUTE));
            buckets.addAll(day.buckets(Resolution.HOUR));
            buckets.sort(Comparator.comparing(StoredBucket::bucket));
            counts[0]++;
            counts[1] += buckets.size();
            sink.accept(new LegacyDocument(day.id(), buckets));
        }, skipped);
        LOG.info("legacy scan read {} documents, {} buckets, skipped {}", counts[0], counts[1], skipped.size());
        return new ScanReport(counts[0], counts[1], skipped);
    }

    @Override
    public Set<SeriesKey> listSeries(String metricPrefix, TimeRange range) {
        Set<SeriesKey> series = new HashSet<>();
        List<String> skipped = new ArrayList<>();
        forEachDay(daysOf(range), metricPrefix, "", (doc, day) -> {
            if (hasBucketIn(day, Resolution.MINUTE, range) || hasBucketIn(day, Resolution.HOUR, range)) {
                series.add(new SeriesKey(day.series(), day.kind()));
            }
        }, skipped);
        skipped.forEach(reason -> LOG.warn("legacy document skipped while listing series: {}", reason));
        return series;
    }

    /** Reads the series' documents by their canonical ids, one per day of the range. */
    @Override
    public List<StoredBucket> readBuckets(SeriesKey key, Resolution resolution, TimeRange range) {
        DayRange days = daysOf(range);
        List<String> ids = new ArrayList<>();
        for (LocalDate d = days.first(); !d.isAfter(days.last()); d = d.plusDays(1)) {
            ids.add(LegacySchema.documentId(key.series(), d));
        }
        List<StoredBucket> buckets = new ArrayList<>();
        try (MongoCursor<Document> docs = collection.find(Filters.in(LegacySchema.ID, ids))
                .sort(Sorts.ascending(LegacySchema.ID)).batchSize(BATCH).iterator()) {
            while (docs.hasNext()) {
                Document doc = docs.next();
                try {
                    LegacyDay day = LegacyDocuments.parse(doc);
                    if (day.kind() == key.kind()) {
                        day.buckets(resolution).stream().filter(b -> range.contains(b.bucket().start()))
                                .forEach(buckets::add);
                    }
                } catch (LegacyDocuments.MalformedDocumentException e) {
                    LOG.warn("legacy document {} skipped: {}", LegacyDocuments.idOf(doc), e.getMessage());
                }
            }
        } catch (MongoException e) {
            throw new EngineUnavailableException("legacy MongoDB could not be read for " + key.series() + ": "
                    + e.getMessage(), e);
        }
        buckets.sort(Comparator.comparing(StoredBucket::bucket));
        return buckets;
    }

    private static boolean hasBucketIn(LegacyDay day, Resolution resolution, TimeRange range) {
        return day.buckets(resolution).stream().anyMatch(b -> range.contains(b.bucket().start()));
    }

    static DayRange daysOf(TimeRange range) {
        return new DayRange(LegacySchema.dayOf(range.from()), LegacySchema.dayOf(range.to() - 1));
    }

    interface DayVisitor {
        void visit(Document doc, LegacyDay day);
    }

    /**
     * Visits every well-formed document of the days whose id starts with {@code idPrefix} (a
     * metric prefix, or {@code "metric|"} for one metric: a document's fields must agree with its
     * id, so the id decides), after
     * {@code resumeAfter}, in id order; adds "id: reason" to {@code skipped} for the others.
     * The server-side filter keeps documents whose {@code day} is in range, missing or not
     * shaped like a day, so that a malformed document is reported rather than never seen.
     */
    void forEachDay(DayRange days, String idPrefix, String resumeAfter, DayVisitor visitor, List<String> skipped) {
        List<Bson> filters = new ArrayList<>();
        if (!resumeAfter.isEmpty()) {
            filters.add(Filters.gt(LegacySchema.ID, resumeAfter));
        }
        if (!idPrefix.isEmpty()) {
            filters.add(Filters.gte(LegacySchema.ID, idPrefix));
            filters.add(Filters.lt(LegacySchema.ID, idPrefix + Character.MAX_VALUE));
        }
        filters.add(Filters.or(
                Filters.and(Filters.gte(LegacySchema.DAY, days.first().toString()),
                        Filters.lte(LegacySchema.DAY, days.last().toString())),
                Filters.exists(LegacySchema.DAY, false),
                Filters.not(Filters.regex(LegacySchema.DAY, DAY_SHAPE))));
        try (MongoCursor<Document> docs = collection.find(Filters.and(filters)).sort(Sorts.ascending(LegacySchema.ID))
                .batchSize(BATCH).iterator()) {
            while (docs.hasNext()) {
                Document doc = docs.next();
                LegacyDay day;
                try {
                    day = LegacyDocuments.parse(doc);
                } catch (LegacyDocuments.MalformedDocumentException e) {
                    skipped.add(LegacyDocuments.idOf(doc) + ": " + e.getMessage());
                    continue;
                }
                if (day.day().isBefore(days.first()) || day.day().isAfter(days.last())) {
                    continue;
                }
                if (!day.hasCanonicalId()) {
                    LOG.warn("legacy document {} has a non-canonical id (expected {}): read all the same",
                            day.id(), LegacySchema.documentId(day.series(), day.day()));
                }
                visitor.visit(doc, day);
            }
        } catch (MongoException e) {
            throw new EngineUnavailableException("legacy MongoDB scan failed: " + e.getMessage(), e);
        }
    }
}
