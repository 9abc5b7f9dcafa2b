package io.statspipe.adapter.kairosdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Bucket;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.QuantileSketch;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.domain.SetAggregate;
import io.statspipe.domain.UniqueSketch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read-back that lets a flush complete ({@link KairosAggregateStore#unconfirmed}), on a real
 * KairosDB with statspipe's plugin: it confirms a flush once every point — counters, gauges and
 * distributions, minutes and hours — is stored with its value, and not while one is missing or
 * holds another value; what it leaves unconfirmed includes every partial in doubt, and a look
 * with what it left asks only for that. Each test writes under metrics of its own.
 */
class KairosReadBackTest {
    static final long MINUTE = Resolution.MINUTE.widthMillis();
    static final long BASE = (System.currentTimeMillis() / MINUTE - 30) * MINUTE;

    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();
    @AutoClose
    static KairosAggregateStore store;

    @BeforeAll
    static void connect() {
        store = new KairosAggregateStore(KairosStoreConfig.of(KAIROS.httpUrl()));
    }

    /**
     * A flush of partition 3: series with nested tag sets (one's tags a superset of another's, and
     * one without tags) over two one-minute buckets, so two slots, and their hour; each series as
     * a counter, a gauge, a distribution and a set.
     */
    static List<Partial> flush(String metric, long seq) {
        List<Series> series = List.of(Series.of(metric), Series.of(metric, "page", "home"),
                Series.of(metric, "page", "home", "site", "eu"), Series.of(metric, "page", "cart"));
        List<Partial> partials = new ArrayList<>();
        Origin origin = Origin.ofPartition(3, seq, 1_000 * seq);
        long n = 1;
        for (Kind kind : Kind.values()) {
            for (Series s : series) {
                for (long start : List.of(BASE, BASE + MINUTE)) {
                    partials.add(partial(s, kind, Resolution.MINUTE, start, origin, n++));
                }
                partials.add(partial(s, kind, Resolution.HOUR, Resolution.HOUR.bucketOf(BASE).start(), origin, n++));
            }
        }
        return partials;
    }

    static Partial partial(Series series, Kind kind, Resolution resolution, long bucketStart, Origin origin, long n) {
        Aggregate aggregate = switch (kind) {
            case COUNTER -> new CounterAggregate(n);
            case GAUGE -> new GaugeAggregate(n, n * 1.5, -n, n, n / 3.0, BASE + n);
            case DISTRIBUTION -> {
                QuantileSketch.Builder sketch = new QuantileSketch.Builder();
                sketch.add(0.001, 1);
                sketch.add(0.25 * n, n);
                yield new DistributionAggregate(n + 1, 0.001 + 0.25 * n * n, 0.001, 0.25 * n, sketch.build());
            }
            case SET -> {
                UniqueSketch.Builder members = new UniqueSketch.Builder();
                for (long m = 0; m < n; m++) {
                    members.add(UniqueSketch.memberHash("member-" + m));
                }
                yield new SetAggregate(n, members.build());
            }
        };
        return new Partial(new PartialId(series, kind, resolution, new Bucket(bucketStart, resolution.widthMillis()),
                origin), aggregate, EnumSet.of(Aggregation.Type.COUNT));
    }

    /**
     * The partial with another value: its count (counters, sets) or its sum (gauges, distributions)
     * moved by {@code delta}.
     */
    static Partial changed(Partial p, long delta) {
        Aggregate changed;
        if (p.aggregate() instanceof GaugeAggregate g) {
            changed = new GaugeAggregate(g.count(), g.sum() + delta, g.min(), g.max(), g.last(), g.lastAt());
        } else if (p.aggregate() instanceof DistributionAggregate d) {
            changed = new DistributionAggregate(d.count(), d.sum() + delta, d.min(), d.max(), d.sketch());
        } else if (p.aggregate() instanceof SetAggregate set) {
            changed = new SetAggregate(set.count() + delta, set.sketch());
        } else {
            changed = new CounterAggregate(p.aggregate().count() + delta);
        }
        return new Partial(p.id(), changed, p.emits());
    }

    static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
    }

    @Test
    void confirmsAFlushOnceEveryPointIsStored() throws Exception {
        List<Partial> partials = flush("readback.all", 7);
        store.write(partials);
        await("the flush confirmed", () -> store.unconfirmed(partials).isEmpty());
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
            await("the points written confirmed", () -> store.unconfirmed(shifted).isEmpty());
            Partial absent = shift(List.of(missing), left + 10).get(0);
            List<Partial> whole = new ArrayList<>(shifted);
            whole.add(absent);
            List<Partial> unconfirmed = store.unconfirmed(whole);
            assertThat(unconfirmed).as("unconfirmed without %s", absent.id()).contains(absent);
            // a second look, with what the first left, still does not confirm it
            assertThat(store.unconfirmed(unconfirmed)).as("unconfirmed on a second look").contains(absent);
        }
    }

    @Test
    void leavesUnconfirmedOnlyTheMetricsNotAllStoredAndTheirPartialsWhole() throws Exception {
        // two metrics; of the second one counter point (its hour) is not written
        List<Partial> first = flush("readback.narrow.a", 7);
        List<Partial> second = flush("readback.narrow.b", 7);
        List<Partial> secondCounters = second.stream().filter(p -> p.id().kind() == Kind.COUNTER).toList();
        Partial missing = secondCounters.get(secondCounters.size() - 1);
        List<Partial> written = new ArrayList<>(first);
        written.addAll(second);
        written.remove(missing);
        store.write(written);
        await("the points written confirmed", () -> store.unconfirmed(written).isEmpty());
        List<Partial> whole = new ArrayList<>(first);
        whole.addAll(second);
        // left: the missing partial with every other partial of its KairosDB metric (the counters of
        // its resolution: a metric is confirmed whole), nothing of the metrics all stored
        List<Partial> unconfirmed = store.unconfirmed(whole);
        assertThat(unconfirmed).contains(missing).doesNotContainAnyElementsOf(first)
                .containsAll(secondCounters.stream().filter(p -> p.id().resolution().equals(missing.id().resolution())).toList());
        assertThat(store.unconfirmed(unconfirmed)).as("a second look").containsExactlyInAnyOrderElementsOf(unconfirmed);
    }

    @Test
    void doesNotConfirmAPointStoredWithAnotherValue() throws Exception {
        List<Partial> partials = flush("readback.value", 7);
        store.write(partials);
        await("the flush confirmed", () -> store.unconfirmed(partials).isEmpty());
        for (int changed = 0; changed < partials.size(); changed++) {
            // one more than stored, a value no point holds; one less, often the value of another point
            for (long delta : new long[] {100, -1}) {
                List<Partial> expected = new ArrayList<>(partials);
                expected.set(changed, changed(partials.get(changed), delta));
                assertThat(store.unconfirmed(expected)).as("confirmed %s", expected.get(changed))
                        .contains(expected.get(changed));
            }
        }
    }

    @Test
    void confirmsNothingWhenTheFlushWentElsewhere() throws Exception {
        List<Partial> partials = flush("readback.elsewhere", 7);
        store.write(partials);
        await("the flush confirmed", () -> store.unconfirmed(partials).isEmpty());
        // the same series and buckets, but the next flush of the partition: other slots
        List<Partial> next = shift(partials, 8);
        assertThat(store.unconfirmed(next)).containsExactlyInAnyOrderElementsOf(next);
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
