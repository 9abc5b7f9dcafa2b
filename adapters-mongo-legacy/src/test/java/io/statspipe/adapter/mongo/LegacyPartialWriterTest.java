package io.statspipe.adapter.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.statspipe.domain.Bucket;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.Event;
import io.statspipe.domain.Flush;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.SetAggregate;
import io.statspipe.domain.UniqueSketch;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class LegacyPartialWriterTest extends LegacyStoreTestBase {
    private static final long T = Instant.parse("2026-11-25T10:01:30Z").toEpochMilli();
    private static final Series VIEWS = Series.of("web.views", "site", "42");
    private static final String VIEWS_ID = "web.views|site=42|2026-11-25";

    private static Partial counter(Resolution resolution, long at, long count, Origin origin) {
        return new Partial(new PartialId(VIEWS, Kind.COUNTER, resolution, resolution.bucketOf(at), origin),
                new CounterAggregate(count), Set.of());
    }

    @Test
    void aPartialWrittenTwiceCountsOnce() {
        LegacyPartialWriter writer = new LegacyPartialWriter(database);
        Origin flush = Origin.ofPartition(3, 7, 1_000);
        List<Partial> partials = List.of(counter(Resolution.MINUTE, T, 5, flush), counter(Resolution.HOUR, T, 5, flush));

        writer.write(partials);
        writer.write(partials);

        Document doc = document(VIEWS_ID);
        assertThat(doc.get("m", Document.class)).isEqualTo(new Document("601", 5L));
        assertThat(doc.get("h", Document.class)).isEqualTo(new Document("10", 5L));
        assertThat(doc.get("total")).isEqualTo(5L);
        assertThat(doc.getString("metric")).isEqualTo("web.views");
        assertThat(doc.get("tags")).isEqualTo(new Document("site", "42"));
        assertThat(doc.getString("day")).isEqualTo("2026-11-25");
    }

    @Test
    void tenWritesFromTwoThreadsAtOnceCountOnce() throws Exception {
        LegacyPartialWriter writer = new LegacyPartialWriter(database);
        Origin flush = Origin.ofPartition(0, 1, 0);
        List<Partial> partials = List.of(counter(Resolution.MINUTE, T, 4, flush),
                counter(Resolution.MINUTE, T + 60_000, 6, flush), counter(Resolution.HOUR, T, 10, flush));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    go.await();
                    for (int i = 0; i < 5; i++) {
                        // one thread writes the flush whole, the other one partial at a time
                        if (thread == 0) {
                            writer.write(partials);
                        } else {
                            partials.forEach(p -> writer.write(List.of(p)));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }

        Document doc = document(VIEWS_ID);
        assertThat(doc.get("m", Document.class)).isEqualTo(new Document("601", 4L).append("602", 6L));
        assertThat(doc.get("h", Document.class)).isEqualTo(new Document("10", 10L));
        assertThat(doc.get("total")).isEqualTo(10L);
    }

    @Test
    void aReplayedFlushCountsOnlyTheBucketsTheCrashedAttemptDidNotWrite() {
        LegacyPartialWriter writer = new LegacyPartialWriter(database);
        Origin flush = Origin.ofPartition(1, 12, 500);
        Partial first = counter(Resolution.MINUTE, T, 2, flush);
        Partial second = counter(Resolution.MINUTE, T + 60_000, 3, flush);
        Partial hour = counter(Resolution.HOUR, T, 5, flush);

        writer.write(List.of(first)); // the attempt that crashed after one partial
        writer.write(List.of(hour, second, first)); // the replay, whole and in another order

        Document doc = document(VIEWS_ID);
        assertThat(doc.get("m", Document.class)).isEqualTo(new Document("601", 2L).append("602", 3L));
        assertThat(doc.get("h", Document.class)).isEqualTo(new Document("10", 5L));
        assertThat(doc.get("total")).isEqualTo(5L);
    }

    @Test
    void laterFlushesAddAndAnOlderFlushOfTheSameStreamIsAlreadyCounted() {
        LegacyPartialWriter writer = new LegacyPartialWriter(database);

        writer.write(List.of(counter(Resolution.MINUTE, T, 1, Origin.ofPartition(2, 1, 0))));
        writer.write(List.of(counter(Resolution.MINUTE, T, 10, Origin.ofPartition(2, 2, 40))));
        writer.write(List.of(counter(Resolution.MINUTE, T, 100, Origin.ofPartition(5, 1, 0))));
        writer.write(List.of(counter(Resolution.MINUTE, T, 1, Origin.ofPartition(2, 1, 0))));

        Document doc = document(VIEWS_ID);
        assertThat(doc.get("m", Document.class)).isEqualTo(new Document("601", 111L));
        assertThat(doc.get("total")).isEqualTo(111L);
        assertThat(doc.get("applied", Document.class)).isEqualTo(new Document(
                "p2", new Document("seq", 2L).append("keys", List.of("m601")))
                .append("p5", new Document("seq", 1L).append("keys", List.of("m601"))));
    }

    @Test
    void twoFlushesOfOneStreamInOneCallBothCountWhateverTheirOrderInTheList() {
        LegacyPartialWriter writer = new LegacyPartialWriter(database);
        List<Partial> both = List.of(counter(Resolution.MINUTE, T, 20, Origin.ofPartition(4, 9, 300)),
                counter(Resolution.MINUTE, T, 1, Origin.ofPartition(4, 8, 200)),
                counter(Resolution.MINUTE, T + 60_000, 3, Origin.ofPartition(4, 8, 200)));

        writer.write(both);
        writer.write(both);

        Document doc = document(VIEWS_ID);
        assertThat(doc.get("m", Document.class)).isEqualTo(new Document("601", 21L).append("602", 3L));
        assertThat(doc.get("total")).isEqualTo(24L);
    }

    @Test
    void theSamePartialTwiceInOneCallCountsOnceAndTwoValuesForOneIdentityAreRefused() {
        LegacyPartialWriter writer = new LegacyPartialWriter(database);
        Origin flush = Origin.ofPartition(0, 1, 0);

        writer.write(List.of(counter(Resolution.MINUTE, T, 5, flush), counter(Resolution.MINUTE, T, 5, flush)));
        assertThatThrownBy(() -> writer.write(List.of(counter(Resolution.HOUR, T, 5, flush),
                counter(Resolution.HOUR, T, 6, flush))))
                .isInstanceOf(InvalidStatException.class).hasMessageContaining("two different partials for h10");

        Document doc = document(VIEWS_ID);
        assertThat(doc.get("m", Document.class)).isEqualTo(new Document("601", 5L));
        assertThat(doc.get("h")).isNull();
    }

    @Test
    void timingPartialsAddTheirSumFromMinutesOnlyAndKeepMinAndMax() {
        LegacyPartialWriter writer = new LegacyPartialWriter(database);
        Series latency = Series.of("api.latency");
        Origin flush = Origin.ofPartition(0, 1, 0);
        DistributionAggregate a = (DistributionAggregate) DistributionAggregate.of(10).merge(DistributionAggregate.of(30));
        DistributionAggregate b = DistributionAggregate.of(2);
        List<Partial> partials = List.of(
                new Partial(new PartialId(latency, Kind.DISTRIBUTION, Resolution.MINUTE, Resolution.MINUTE.bucketOf(T), flush), a, Set.of()),
                new Partial(new PartialId(latency, Kind.DISTRIBUTION, Resolution.MINUTE, Resolution.MINUTE.bucketOf(T + 60_000), flush), b, Set.of()),
                new Partial(new PartialId(latency, Kind.DISTRIBUTION, Resolution.HOUR, Resolution.HOUR.bucketOf(T), flush),
                        a.merge(b), Set.of()));

        writer.write(partials);
        writer.write(partials);

        Document doc = document("api.latency||2026-11-25");
        assertThat(doc.get("m", Document.class)).isEqualTo(new Document("601", 2L).append("602", 1L));
        assertThat(doc.get("h", Document.class)).isEqualTo(new Document("10", 3L));
        assertThat(doc.get("total")).isEqualTo(3L);
        assertThat(doc.getDouble("sum")).isEqualTo(42.0);
        assertThat(doc.getDouble("min")).isEqualTo(2.0);
        assertThat(doc.getDouble("max")).isEqualTo(30.0);
    }

    @Test
    void partialsTheLegacySchemaCannotHoldAreNotWritten() {
        LegacyPartialWriter writer = new LegacyPartialWriter(database);
        Origin flush = Origin.ofPartition(0, 1, 0);
        Resolution tenSeconds = Resolution.parse("10s");
        Partial gauge = new Partial(new PartialId(Series.of("queue.depth"), Kind.GAUGE, Resolution.MINUTE,
                Resolution.MINUTE.bucketOf(T), flush), GaugeAggregate.of(3, T), Set.of());
        Partial fine = new Partial(new PartialId(VIEWS, Kind.COUNTER, tenSeconds,
                new Bucket(tenSeconds.bucketOf(T).start(), 10_000), flush), new CounterAggregate(1), Set.of());
        Partial set = new Partial(new PartialId(Series.of("users.online"), Kind.SET, Resolution.MINUTE,
                Resolution.MINUTE.bucketOf(T), flush), SetAggregate.of(UniqueSketch.memberHash("alice")), Set.of());

        writer.write(List.of(gauge, fine, set));

        assertThat(statsDaily().countDocuments()).isZero();
        assertThat(writer.partialsNotHeld()).isEqualTo(3);
    }

    /**
     * The dual-write path against the old one, for any schedule of faults: the same events,
     * rolled up into flushes whose writes crash part-way, are replayed whole, and are replayed
     * again late by a stale worker, leave exactly the counts the old per-event $inc left.
     */
    @Test
    void anySequenceOfCrashesAndReplaysLeavesTheSameCountsAsPerEventIncrements() {
        qt().withExamples(8).withShrinkCycles(5).forAll(longs().all()).checkAssert(this::replaysMatchPerEventIncrements);
    }

    private void replaysMatchPerEventIncrements(long seed) {
        Random random = new Random(seed);
        MongoDatabase oldDb = client.getDatabase("old" + Long.toHexString(seed));
        MongoDatabase newDb = client.getDatabase("new" + Long.toHexString(seed));
        List<Series> series = List.of(Series.of("web.views", "site", "1"), Series.of("web.views", "site", "2"),
                Series.of("web.clicks"));
        Series timing = Series.of("api.latency", "route", "home");
        List<Event> events = new ArrayList<>();
        long t = T + random.nextInt(86_400_000);
        for (int i = 0; i < 300; i++) {
            t += random.nextInt(20_000);
            events.add(random.nextInt(4) == 0
                    ? Event.distribution(timing, t, random.nextInt(500) / 4.0)
                    : Event.counter(series.get(random.nextInt(series.size())), t, 1 + random.nextInt(3)));
        }
        LegacyEventWriter oldPipeline = new LegacyEventWriter(oldDb);
        events.forEach(oldPipeline::record);

        LegacyPartialWriter writer = new LegacyPartialWriter(newDb);
        Rollup rollup = new Rollup(RuleSet.defaults(), new RollupSettings(Duration.ofSeconds(10), Duration.ofHours(6)));
        List<List<Partial>> written = new ArrayList<>();
        long seq = 0;
        for (int from = 0; from < events.size(); ) {
            int to = Math.min(events.size(), from + 1 + random.nextInt(60));
            events.subList(from, to).forEach(rollup::accept);
            Flush flush = rollup.flush(Origin.ofPartition(random.nextInt(2), seq++, from));
            from = to;
            List<Partial> partials = new ArrayList<>(flush.partials());
            Collections.shuffle(partials, random);
            int crashAfter = random.nextInt(partials.size() + 1);
            for (Partial p : partials.subList(0, crashAfter)) {
                writer.write(List.of(p));
            }
            writer.write(flush.partials());
            if (random.nextInt(4) == 0) {
                writer.write(flush.partials());
            }
            written.add(flush.partials());
            if (random.nextInt(5) == 0) {
                writer.write(written.get(random.nextInt(written.size()))); // a stale worker's late replay
            }
        }

        for (Document expected : oldDb.getCollection(LegacySchema.COLLECTION).find()) {
            Document actual = newDb.getCollection(LegacySchema.COLLECTION)
                    .find(new Document("_id", expected.getString("_id"))).first();
            assertThat(actual).as("document %s", expected.get("_id")).isNotNull();
            assertThat(actual.get("m")).as("m of %s", expected.get("_id")).isEqualTo(expected.get("m"));
            assertThat(actual.get("h")).as("h of %s", expected.get("_id")).isEqualTo(expected.get("h"));
            assertThat(actual.get("total")).as("total of %s", expected.get("_id")).isEqualTo(expected.get("total"));
            if (expected.containsKey("sum")) {
                assertThat(actual.getDouble("sum")).isCloseTo(expected.getDouble("sum"), within(1e-6));
                assertThat(actual.get("min")).isEqualTo(expected.get("min"));
                assertThat(actual.get("max")).isEqualTo(expected.get("max"));
            }
        }
        assertThat(newDb.getCollection(LegacySchema.COLLECTION).countDocuments())
                .isEqualTo(oldDb.getCollection(LegacySchema.COLLECTION).countDocuments());
        oldDb.drop();
        newDb.drop();
    }
}
