package io.statspipe.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.statspipe.adapter.mongo.LegacyEventWriter;
import io.statspipe.adapter.mongo.LegacyHistoryGenerator;
import io.statspipe.adapter.mongo.LegacyMongoServer;
import io.statspipe.adapter.mongo.LegacyPartialWriter;
import io.statspipe.adapter.mongo.LegacySchema;
import io.statspipe.domain.Event;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.bson.Document;

/**
 * The legacy store's two write paths on one workload, in one run: the old pipeline's one
 * {@code $inc} upsert per event (the baseline) beside statspipe's dual-write, which rolls the
 * same events up into one-minute and one-hour partials and writes them idempotently. Prints
 * events per second of each, their ratio, and database writes per event.
 *
 * <p>Absolute speeds here are those of the in-process MongoDB-protocol server and say nothing
 * about a real MongoDB; writes per event do, since a real server's cost grows with them.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.statspipe.bench.LegacyWriteBench [counterSeries timingSeries eventsPerSeriesPerDay eventsPerFlush]
 * </pre>
 */
public final class LegacyWriteBench {

    private LegacyWriteBench() {
    }

    public static void main(String[] args) {
        int counters = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int timings = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int perSeries = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        int perFlush = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
        LegacyHistoryGenerator.Plan plan = new LegacyHistoryGenerator.Plan(LocalDate.parse("2026-11-25"), 1, counters,
                timings, perSeries, 42);
        List<Event> events = LegacyHistoryGenerator.eventsOfDay(plan, 0);
        List<Event> warmUp = LegacyHistoryGenerator.eventsOfDay(
                new LegacyHistoryGenerator.Plan(LocalDate.parse("2026-11-24"), 1, counters, timings, perSeries / 4 + 1, 7), 0);

        try (LegacyMongoServer server = LegacyMongoServer.inMemory().start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            perEvent(client.getDatabase("warmup_old"), warmUp);
            partials(client.getDatabase("warmup_new"), warmUp, perFlush);

            System.out.printf(Locale.ROOT, "workload: %,d events, %d counter + %d timing series, one UTC day, flush every %,d events%n",
                    events.size(), counters, timings, perFlush);
            Result old = perEvent(client.getDatabase("old"), events);
            Result idempotent = partials(client.getDatabase("new"), events, perFlush);
            print("per-event $inc (old pipeline, baseline)", old);
            print("idempotent partials (dual-write)", idempotent);
            System.out.printf(Locale.ROOT, "ratio: dual-write covers %.1fx the events per second of per-event $inc,"
                    + " with %.4f instead of %.4f writes per event (%.0fx fewer)%n",
                    idempotent.eventsPerSecond() / old.eventsPerSecond(), idempotent.writesPerEvent(), old.writesPerEvent(),
                    old.writesPerEvent() / idempotent.writesPerEvent());
            System.out.printf(Locale.ROOT, "same day totals in both databases: %s%n",
                    totals(client.getDatabase("old")).equals(totals(client.getDatabase("new"))));
            System.out.println("(absolute speeds are the in-process protocol server's, not a real MongoDB's; writes per event carry over)");
        }
    }

    record Result(long events, long writes, long nanos) {
        double eventsPerSecond() {
            return events * 1e9 / nanos;
        }

        double writesPerEvent() {
            return (double) writes / events;
        }
    }

    private static Result perEvent(MongoDatabase db, List<Event> events) {
        LegacyEventWriter writer = new LegacyEventWriter(db);
        long start = System.nanoTime();
        events.forEach(writer::record);
        return new Result(events.size(), events.size(), System.nanoTime() - start);
    }

    private static Result partials(MongoDatabase db, List<Event> events, int perFlush) {
        LegacyPartialWriter writer = new LegacyPartialWriter(db);
        Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS);
        long start = System.nanoTime();
        long seq = 0;
        for (int from = 0; from < events.size(); from += perFlush) {
            events.subList(from, Math.min(events.size(), from + perFlush)).forEach(rollup::accept);
            writer.write(rollup.flush(Origin.ofPartition(0, seq++, from)).partials());
        }
        return new Result(events.size(), writer.updatesSent(), System.nanoTime() - start);
    }

    private static void print(String name, Result r) {
        System.out.printf(Locale.ROOT, "%-42s %,10.0f events/s  %,8d writes  %.4f writes/event  (%.2f s)%n", name,
                r.eventsPerSecond(), r.writes(), r.writesPerEvent(), r.nanos() / 1e9);
    }

    private static java.util.Map<String, Object> totals(MongoDatabase db) {
        java.util.Map<String, Object> totals = new java.util.TreeMap<>();
        for (Document d : db.getCollection(LegacySchema.COLLECTION).find()) {
            totals.put(d.getString("_id"), d.get(LegacySchema.TOTAL));
        }
        return totals;
    }
}
