package io.statspipe.adapter.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.ports.out.EngineUnavailableException;
import java.time.LocalDate;
import org.bson.Document;

/**
 * The old pipeline's write path, kept as it was: one {@code $inc} upsert per event into the
 * event's day document (minute, hour and day counts; for timings also the day's sum, and
 * {@code $min}/{@code $max}). It is the baseline statspipe is measured against, and how tests,
 * demos and the history generator produce realistic legacy data.
 *
 * <p>Not idempotent: a replayed event counts twice. That is what the old pipeline did.
 */
public final class LegacyEventWriter {
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> collection;

    public LegacyEventWriter(MongoDatabase database) {
        this.collection = database.getCollection(LegacySchema.COLLECTION);
    }

    /**
     * Counts one event: one database write.
     *
     * @throws InvalidStatException for a gauge (the legacy store has no gauges)
     * @throws EngineUnavailableException when MongoDB refuses or cannot be reached
     */
    public void record(Event event) {
        Document update = update(event);
        try {
            collection.updateOne(Filters.eq(LegacySchema.ID, LegacySchema.documentId(event.series(), day(event))),
                    update, UPSERT);
        } catch (MongoException e) {
            throw new EngineUnavailableException("legacy MongoDB refused the $inc of " + event.series() + ": "
                    + e.getMessage(), e);
        }
    }

    private static LocalDate day(Event event) {
        return LegacySchema.dayOf(event.timestamp());
    }

    static Document update(Event event) {
        long count;
        Document inc = new Document();
        Document update = new Document();
        if (event.kind() == Kind.COUNTER) {
            count = event.increment();
        } else if (event.kind() == Kind.DISTRIBUTION) {
            count = event.weight();
            inc.append(LegacySchema.SUM, event.value() * count);
            update.append("$min", new Document(LegacySchema.MIN, event.value()))
                    .append("$max", new Document(LegacySchema.MAX, event.value()));
        } else {
            throw new InvalidStatException("the legacy store keeps counters and timings only, not the "
                    + event.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + event.series());
        }
        inc.append(LegacySchema.MINUTES + "." + LegacySchema.minuteOfDay(event.timestamp()), count)
                .append(LegacySchema.HOURS + "." + LegacySchema.hourOfDay(event.timestamp()), count)
                .append(LegacySchema.TOTAL, count);
        update.append("$inc", inc).append("$setOnInsert", LegacyDocuments.identity(event.series(), day(event)));
        return update;
    }
}
