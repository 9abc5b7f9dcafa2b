package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Bucket;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-back that lets a flush complete, on a real KairosDB: it confirms a flush once every
 * count point is stored with its value, and not while one is missing or holds another value.
 * Each test writes under a metric of its own.
 */
class KairosReadBackTest {
    static final long MINUTE = Resolution.MINUTE.widthMillis();
    static final long BASE = (System.currentTimeMillis() / MINUTE - 30) * MINUTE;

    @TempDir
    static Path dir;
    static LocalKairosDb kairos;
    static KairosAggregateStore store;
    static KairosReadBack readBack;

    @BeforeAll
    static void start() {
        kairos = LocalKairosDb.builder().dataDir(dir.resolve("kairosdb")).h2().build().start();
        store = new KairosAggregateStore(KairosStoreConfig.of(kairos.httpUrl()));
        readBack = new KairosReadBack(kairos.httpUrl());
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (kairos != null) {
            kairos.close();
        }
    }

    /**
     * A flush of partition 3: counts of series with nested tag sets (one's tags a superset of
     * another's, and one without tags) over two one-minute buckets, so two slots.
     */
    static List<Partial> flush(String metric, long seq) {
        List<Series> series = List.of(Series.of(metric), Series.of(metric, "page", "home"),
                Series.of(metric, "page", "home", "site", "eu"), Series.of(metric, "page", "cart"));
        List<Partial> partials = new ArrayList<>();
        Origin origin = Origin.ofPartition(3, seq, 1_000 * seq);
        long count = 1;
        for (long start : List.of(BASE, BASE + MINUTE)) {
            for (Series s : series) {
                partials.add(counter(s, start, origin, count++));
            }
        }
        return partials;
    }

    static Partial counter(Series series, long bucketStart, Origin origin, long count) {
        return new Partial(new PartialId(series, Kind.COUNTER, Resolution.MINUTE, new Bucket(bucketStart, MINUTE), origin),
                new CounterAggregate(count), EnumSet.of(Aggregation.Type.COUNT));
    }

    static Partial withCount(Partial p, long count) {
        return new Partial(p.id(), new CounterAggregate(count), p.emits());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within 30 s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void confirmsAFlushOnceEveryPointIsStored() throws Exception {
        List<Partial> partials = flush("readback.all", 7);
        store.write(partials);
        await("the flush confirmed", () -> readBack.holds(partials));
    }

    @Test
    void doesNotConfirmAFlushWithAPointMissing() throws Exception {
        List<Partial> partials = flush("readback.missing", 7);
        for (int left = 0; left < partials.size(); left++) {
            List<Partial> written = new ArrayList<>(partials);
            Partial missing = written.remove(left);
            // another flush (another slot) of the same partition, each leaving out another partial
            List<Partial> shifted = shift(written, left + 10);
            store.write(shifted);
            await("the points written confirmed", () -> readBack.holds(shifted));
            Partial absent = shift(List.of(missing), left + 10).get(0);
            List<Partial> whole = new ArrayList<>(shifted);
            whole.add(absent);
            assertThat(readBack.holds(whole)).as("confirmed without %s", absent.id()).isFalse();
        }
    }

    @Test
    void doesNotConfirmAPointStoredWithAnotherValue() throws Exception {
        List<Partial> partials = flush("readback.value", 7);
        store.write(partials);
        await("the flush confirmed", () -> readBack.holds(partials));
        for (int changed = 0; changed < partials.size(); changed++) {
            // one more than stored, a value no point holds; one less, often the value of another point
            for (long delta : new long[] {100, -1}) {
                List<Partial> expected = new ArrayList<>(partials);
                expected.set(changed, withCount(partials.get(changed), partials.get(changed).aggregate().count() + delta));
                assertThat(readBack.holds(expected)).as("confirmed %s", expected.get(changed)).isFalse();
            }
        }
    }

    @Test
    void confirmsNothingWhenTheFlushWentElsewhere() throws Exception {
        List<Partial> partials = flush("readback.elsewhere", 7);
        store.write(partials);
        await("the flush confirmed", () -> readBack.holds(partials));
        // the same series and buckets, but the next flush of the partition: other slots
        assertThat(readBack.holds(shift(partials, 8))).isFalse();
    }

    /** The same partials as flush {@code seq} of their partition. */
    static List<Partial> shift(List<Partial> partials, long seq) {
        List<Partial> shifted = new ArrayList<>();
        for (Partial p : partials) {
            Origin origin = Origin.ofPartition(3, seq, 1_000 * seq);
            shifted.add(new Partial(new PartialId(p.id().series(), p.id().kind(), p.id().resolution(), p.id().bucket(), origin),
                    p.aggregate(), p.emits()));
        }
        return shifted;
    }
}
