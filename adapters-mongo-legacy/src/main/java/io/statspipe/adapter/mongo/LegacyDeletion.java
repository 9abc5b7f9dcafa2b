package io.statspipe.adapter.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.statspipe.ports.in.DataSelection;
import io.statspipe.ports.out.DeletePointsPort;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.StoredPointCount;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a tenant's counts from the legacy {@code stats_daily} documents. A day the range covers
 * whole goes with its document; of a day it covers in part (the range is whole hours), the
 * minutes {@code m} and hours {@code h} inside the range are removed and {@code total} lowered by
 * their count, so that every other minute, hour and the rest of the day read as before. A
 * timing's day {@code sum} is lowered in proportion, keeping the day's mean; its {@code min} and
 * {@code max} stay (the schema has them per day only). Each change is conditional on the
 * removed hours still holding what was read, and is read again when a dual-write got there
 * first, so a concurrent {@code $inc} is neither lost nor subtracted twice.
 */
public final class LegacyDeletion implements DeletePointsPort {
    static final String STORE = "legacy";
    private static final Logger LOG = LoggerFactory.getLogger(LegacyDeletion.class);
    /** Reads of a document another writer keeps changing before the deletion gives up (no wait: the write is what raced). */
    private static final int TRIES = 5;
    private static final int CHANGED = -1;

    private final MongoCollection<Document> collection;

    public LegacyDeletion(MongoDatabase database) {
        this.collection = database.getCollection(LegacySchema.COLLECTION);
    }

    @Override
    public List<StoredPointCount> count(DataSelection selection) {
        Map<String, Long> points = new TreeMap<>();
        for (Document doc : collection.find(filter(selection))) {
            long n = inRange(doc.get(LegacySchema.MINUTES, Document.class), selection, doc, LegacySchema.MINUTE_MILLIS).size()
                    + inRange(doc.get(LegacySchema.HOURS, Document.class), selection, doc, LegacySchema.HOUR_MILLIS).size();
            if (n > 0) {
                points.merge(doc.getString(LegacySchema.METRIC), n, Long::sum);
            }
        }
        List<StoredPointCount> counts = new ArrayList<>();
        points.forEach((metric, n) -> counts.add(new StoredPointCount(STORE, metric, n)));
        return counts;
    }

    @Override
    public void delete(DataSelection selection) {
        try {
            int changed = 0;
            for (Document doc : collection.find(filter(selection))) {
                changed += deleteFrom(doc.getString(LegacySchema.ID), selection);
            }
            LOG.info("deleted from the legacy store the counts of {} in {} documents", selection, changed);
        } catch (MongoException e) {
            throw new EngineUnavailableException("the legacy store could not delete " + selection + ": " + e, e);
        }
    }

    /**
     * Deletes the selection from one document, reading it again when another writer changed it
     * between the read and the write (the update matches only the document as read).
     */
    private int deleteFrom(String id, DataSelection selection) {
        RetryPolicy<Integer> whileChanging = RetryPolicy.<Integer>builder()
                .handleResult(CHANGED)
                .withMaxAttempts(TRIES)
                .onFailedAttempt(e -> LOG.debug("legacy document {} changed while deleting from it; reading it again", id))
                .build();
        int deleted = Failsafe.with(whileChanging).get(() -> tryDeleteFrom(id, selection));
        if (deleted == CHANGED) {
            throw new EngineUnavailableException("legacy document " + id + " kept changing while deleting from it, " + TRIES
                    + " times: try again");
        }
        return deleted;
    }

    /** 1 when the document was changed, 0 when it holds nothing of the selection, {@link #CHANGED} when another writer was first. */
    private int tryDeleteFrom(String id, DataSelection selection) {
        Document doc = collection.find(Filters.eq(LegacySchema.ID, id)).first();
        if (doc == null) {
            return 0;
        }
        Document hours = doc.get(LegacySchema.HOURS, Document.class);
        List<String> removedHours = inRange(hours, selection, doc, LegacySchema.HOUR_MILLIS);
        List<String> removedMinutes = inRange(doc.get(LegacySchema.MINUTES, Document.class), selection, doc,
                LegacySchema.MINUTE_MILLIS);
        if (removedHours.isEmpty() && removedMinutes.isEmpty()) {
            return 0;
        }
        List<Bson> unchanged = new ArrayList<>(List.of(Filters.eq(LegacySchema.ID, id)));
        long removed = 0;
        for (String hour : removedHours) {
            long count = ((Number) hours.get(hour)).longValue();
            removed += count;
            unchanged.add(Filters.eq(LegacySchema.HOURS + "." + hour, hours.get(hour)));
        }
        boolean wholeDay = removedHours.size() == (hours == null ? 0 : hours.size());
        long matched = wholeDay
                ? collection.deleteOne(Filters.and(unchanged)).getDeletedCount()
                : collection.updateOne(Filters.and(unchanged), lowered(doc, removedHours, removedMinutes, removed))
                        .getMatchedCount();
        return matched == 1 ? 1 : CHANGED;
    }

    private static Document lowered(Document doc, List<String> hours, List<String> minutes, long removed) {
        Document unset = new Document();
        hours.forEach(h -> unset.append(LegacySchema.HOURS + "." + h, ""));
        minutes.forEach(m -> unset.append(LegacySchema.MINUTES + "." + m, ""));
        Document inc = new Document(LegacySchema.TOTAL, -removed);
        Number total = (Number) doc.get(LegacySchema.TOTAL);
        Number sum = (Number) doc.get(LegacySchema.SUM);
        if (sum != null && total != null && total.longValue() > 0) {
            inc.append(LegacySchema.SUM, -sum.doubleValue() * removed / total.longValue());
        }
        return new Document("$unset", unset).append("$inc", inc);
    }

    /** The keys of {@code fields} (minutes or hours of the document's day) whose bucket starts in the range. */
    private static List<String> inRange(Document fields, DataSelection selection, Document doc, long width) {
        List<String> keys = new ArrayList<>();
        if (fields == null) {
            return keys;
        }
        long dayStart = LegacySchema.startOf(LocalDate.parse(doc.getString(LegacySchema.DAY)));
        for (String key : fields.keySet()) {
            long start = dayStart + Long.parseLong(key) * width;
            if (start >= selection.range().from() && start < selection.range().to()) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The tenant's documents (of the metric) of the days the range touches. */
    private static Bson filter(DataSelection selection) {
        List<Bson> filters = new ArrayList<>();
        filters.add(Filters.eq(LegacySchema.TAGS + "." + "tenant", selection.tenant()));
        selection.metric().ifPresent(m -> filters.add(Filters.eq(LegacySchema.METRIC, m)));
        filters.add(Filters.gte(LegacySchema.DAY, LegacySchema.dayOf(selection.range().from()).toString()));
        filters.add(Filters.lte(LegacySchema.DAY, LegacySchema.dayOf(selection.range().to() - 1).toString()));
        return Filters.and(filters);
    }
}
