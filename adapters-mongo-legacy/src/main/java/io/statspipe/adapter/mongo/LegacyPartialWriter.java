package io.statspipe.adapter.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.result.UpdateResult;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Series;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.WritePartialsPort;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dual-writes partial aggregates into the legacy documents, idempotently: writing a partial
 * again (a replayed flush) changes nothing.
 *
 * <p>Each document remembers, per input stream, the last flush applied to it and which of its
 * buckets that flush has already counted: {@code applied.<stream> = {seq, keys: ["m601", "h10"]}}.
 * A partial of flush {@code seq} is counted only when the document's recorded seq for its stream
 * is lower (a newer flush: the record is replaced), or equal with the partial's bucket key not yet
 * in {@code keys} (the same flush, another bucket: the key is added). The test and the
 * increment are one single-document update, which MongoDB applies atomically, so no
 * transaction is needed. This holds because a stream's flushes reach a document in sequence
 * order: a stream starts flush {@code seq + 1} only after every partial of flush {@code seq} is
 * written, and a replay rewrites the same seq with the same content. The bookkeeping stays
 * bounded: one entry per stream that ever wrote the document, holding one flush's bucket keys.
 *
 * <p>Counts go to {@code m.<minute>} from one-minute partials and {@code h.<hour>} from one-hour
 * partials. The day's {@code total} (and a timing's {@code sum}) are incremented from the
 * one-minute partials only, so each event adds to them once; dual-write rules must therefore
 * write one-minute buckets. {@code min}/{@code max} use {@code $min}/{@code $max}, idempotent
 * anyway. Partials the legacy schema cannot hold (gauges, sets; resolutions other than 1m and 1h) are
 * not written: nothing that reads the legacy store ever had them. See docs/design/legacy-schema.md.
 */
public final class LegacyPartialWriter implements WritePartialsPort {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyPartialWriter.class);
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

    private final MongoCollection<Document> collection;
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong notHeld = new AtomicLong();
    private final Set<String> reportedNotHeld = ConcurrentHashMap.newKeySet();

    public LegacyPartialWriter(MongoDatabase database) {
        this.collection = database.getCollection(LegacySchema.COLLECTION);
    }

    /** Update commands sent so far (bulk members counted one by one): the writes per event figure. */
    public long updatesSent() {
        return updates.get();
    }

    /** Partials not written because the legacy schema cannot hold them (gauges, sets, other resolutions). */
    public long partialsNotHeld() {
        return notHeld.get();
    }

    @Override
    public void write(List<Partial> partials) {
        List<Group> groups = group(partials);
        if (groups.isEmpty()) {
            return;
        }
        try {
            for (List<Group> round : rounds(groups)) {
                for (Group retry : writeNewFlushes(round)) {
                    writeOneByOne(retry);
                }
            }
        } catch (MongoException e) {
            throw new EngineUnavailableException("legacy MongoDB could not take " + partials.size() + " partials: "
                    + e.getMessage(), e);
        }
    }

    /** One document's partials from one flush of one stream: written together in the common case. */
    private record Group(String id, Series series, LocalDate day, Origin origin, List<Partial> partials) {
    }

    private List<Group> group(List<Partial> partials) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Partial p : partials) {
            if (!LegacySchema.holds(p.id().kind()) || !LegacySchema.holds(p.id().resolution())) {
                notHeld.incrementAndGet();
                if (reportedNotHeld.add(p.id().kind() + " " + p.id().resolution())) {
                    LOG.info("the legacy store holds no {} partials at {} (first: {}); they go to the new store only",
                            p.id().kind(), p.id().resolution(), p.id().series());
                }
                continue;
            }
            LocalDate day = LegacySchema.dayOf(p.id().bucket().start());
            String id = LegacySchema.documentId(p.id().series(), day);
            Origin o = p.id().origin();
            Group g = groups.computeIfAbsent(id + "#" + o.stream() + "#" + o.seq(),
                    k -> new Group(id, p.id().series(), day, o, new ArrayList<>()));
            Partial same = g.partials().stream().filter(q -> key(q).equals(key(p))).findFirst().orElse(null);
            if (same == null) {
                g.partials().add(p);
            } else if (!same.equals(p)) {
                throw new InvalidStatException("two different partials for " + key(p) + " of " + id + " from flush "
                        + o.seq() + " of " + o.stream() + " (" + same.id().kind() + " " + same.aggregate() + ", "
                        + p.id().kind() + " " + p.aggregate() + "): one identity, one value, and one kind per metric");
            }
        }
        return List.copyOf(groups.values());
    }

    /**
     * Splits the groups so that each (document, stream) appears at most once per round, in
     * ascending flush order: an unordered bulk may apply its members in any order, and a
     * later flush applied first would make an earlier one look already counted.
     */
    private static List<List<Group>> rounds(List<Group> groups) {
        List<Group> bySeq = new ArrayList<>(groups);
        bySeq.sort(Comparator.comparingLong(g -> g.origin().seq()));
        Map<String, Integer> seen = new HashMap<>();
        List<List<Group>> rounds = new ArrayList<>();
        for (Group g : bySeq) {
            int round = seen.merge(g.id() + "#" + g.origin().stream(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(g);
        }
        return rounds;
    }

    /**
     * The common case, one unordered bulk: each group as one upsert that applies only if the
     * document has not seen this flush of the stream. A duplicate-key error means the document
     * exists and did not match (already seen this flush, or created concurrently): those groups
     * are returned to be written one partial at a time.
     */
    private List<Group> writeNewFlushes(List<Group> groups) {
        List<UpdateOneModel<Document>> models = new ArrayList<>(groups.size());
        for (Group g : groups) {
            models.add(new UpdateOneModel<>(newFlushFilter(g.id(), g.origin()), newFlushUpdate(g, g.partials()), UPSERT));
        }
        updates.addAndGet(models.size());
        try {
            collection.bulkWrite(models, UNORDERED);
            return List.of();
        } catch (MongoBulkWriteException e) {
            List<Group> retry = new ArrayList<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                retry.add(groups.get(error.getIndex()));
            }
            return retry;
        }
    }

    private void writeOneByOne(Group group) {
        for (Partial p : group.partials()) {
            List<Partial> one = List.of(p);
            if (applyNewFlush(group, one) || applySameFlush(group, one)) {
                continue;
            }
            LOG.debug("partial {} of {} already counted in {}", key(p), group.origin(), group.id());
        }
    }

    private boolean applyNewFlush(Group g, List<Partial> partials) {
        updates.incrementAndGet();
        try {
            UpdateResult r = collection.updateOne(newFlushFilter(g.id(), g.origin()), newFlushUpdate(g, partials), UPSERT);
            return r.getMatchedCount() > 0 || r.getUpsertedId() != null;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false; // the document exists and has seen this flush (or a later one)
            }
            throw e;
        }
    }

    private boolean applySameFlush(Group g, List<Partial> partials) {
        String seqField = LegacySchema.APPLIED + "." + g.origin().stream() + ".seq";
        String keysField = LegacySchema.APPLIED + "." + g.origin().stream() + ".keys";
        List<String> keys = partials.stream().map(LegacyPartialWriter::key).toList();
        Bson filter = Filters.and(Filters.eq(LegacySchema.ID, g.id()), Filters.eq(seqField, g.origin().seq()),
                Filters.nin(keysField, keys));
        Document update = counts(partials).append("$push", new Document(keysField, new Document("$each", keys)));
        updates.incrementAndGet();
        return collection.updateOne(filter, update).getMatchedCount() > 0;
    }

    /** The document has never seen this stream, or only earlier flushes of it. */
    private static Bson newFlushFilter(String id, Origin origin) {
        return Filters.and(Filters.eq(LegacySchema.ID, id),
                Filters.not(Filters.gte(LegacySchema.APPLIED + "." + origin.stream() + ".seq", origin.seq())));
    }

    private static Document newFlushUpdate(Group g, List<Partial> partials) {
        List<String> keys = partials.stream().map(LegacyPartialWriter::key).toList();
        return counts(partials)
                .append("$set", new Document(LegacySchema.APPLIED + "." + g.origin().stream(),
                        new Document("seq", g.origin().seq()).append("keys", keys)))
                .append("$setOnInsert", LegacyDocuments.identity(g.series(), g.day()));
    }

    /** {@code m.601} / {@code h.10} without the dot: the bucket's key among a flush's applied partials. */
    static String key(Partial p) {
        return LegacySchema.countField(p.id().bucket()).replace(".", "");
    }

    private static Document counts(List<Partial> partials) {
        Document inc = new Document();
        Document min = new Document();
        Document max = new Document();
        for (Partial p : partials) {
            long count = p.aggregate().count();
            inc.append(LegacySchema.countField(p.id().bucket()), count);
            boolean minute = p.id().resolution().widthMillis() == LegacySchema.MINUTE_MILLIS;
            if (minute) {
                inc.merge(LegacySchema.TOTAL, count, (a, b) -> (Long) a + (Long) b);
            }
            if (p.aggregate() instanceof DistributionAggregate d) {
                if (minute) {
                    inc.merge(LegacySchema.SUM, d.sum(), (a, b) -> (Double) a + (Double) b);
                }
                min.merge(LegacySchema.MIN, d.min(), (a, b) -> Math.min((Double) a, (Double) b));
                max.merge(LegacySchema.MAX, d.max(), (a, b) -> Math.max((Double) a, (Double) b));
            }
        }
        Document update = new Document("$inc", inc);
        if (!min.isEmpty()) {
            update.append("$min", min).append("$max", max);
        }
        return update;
    }
}
