package io.statspipe.domain;

import static io.statspipe.domain.Generators.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The value range: no finite input makes an aggregate infinite, NaN or wrapped around, and
 * nothing an ordinary client sends is refused.
 */
class ValueRangeTest {
    private static final long M0 = T0 - T0 % 60_000;
    private static final RollupSettings SETTINGS = new RollupSettings(Duration.ofSeconds(10), Duration.ofHours(6));
    private static final Series S = Series.of("poison");

    /** Values at and beyond every edge, and ordinary ones. */
    private static Gen<Double> extremeValues() {
        return arbitrary().pick(List.of(1e308, -1e308, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 1e18,
                        -1e18, 1.0000000000000002e18, 1e15, -1e15, 0x1p53, 0x1p62, 0x1p63, 4.9e-324, 0.0, -0.0, 1e-9))
                .mix(doubles().between(-1e6, 1e6));
    }

    private static Gen<Double> extremeRates() {
        return arbitrary().pick(List.of(4.9e-324, 1e-300, 1e-7, 1e-6, 1.0000001e-6, 1e-4, 0.001, 0.5, 1.0));
    }

    private static Gen<Kind> kinds() {
        return arbitrary().enumValues(Kind.class);
    }

    @Test
    void noAcceptedEventsMakeANonFiniteOrWrappedAggregate() {
        Gen<List<Object[]>> streams = lists().of(extremeValues().zip(extremeRates(), kinds(),
                integers().between(0, 120_000), (v, r, k, t) -> new Object[] {v, r, k, t})).ofSizeBetween(1, 60);
        qt().withExamples(1_000).forAll(streams).checkAssert(stream -> {
            Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
            for (Object[] e : stream) {
                Event event;
                try {
                    event = new Event(S, M0 + (Integer) e[3], (Kind) e[2], (Double) e[0], (Double) e[1]);
                } catch (InvalidStatException refused) {
                    continue;
                }
                rollup.accept(event);
            }
            for (Partial p : rollup.flush(Origin.ofPartition(0, 0, 0)).partials()) {
                assertFinite(p.aggregate());
            }
        });
    }

    @Test
    void whatOrdinaryClientsSendIsAccepted() {
        Gen<Double> values = doubles().between(-1e15, 1e15).mix(arbitrary().pick(List.of(1e15, -1e15, 0.0)));
        Gen<Double> rates = doubles().between(0.0001, 1.0).mix(arbitrary().pick(List.of(0.0001, 1.0)));
        qt().withExamples(5_000).forAll(values, rates, kinds()).checkAssert((value, rate, kind) -> {
            Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
            if (kind == Kind.COUNTER && Math.abs(value / rate) >= 0x1p63) {
                // Counts that do not fit a bucket's long are outside the promise: refused, with the reason.
                assertThatThrownBy(() -> new Event(S, M0, kind, value, rate)).hasMessageContaining("does not fit a long");
            } else {
                // a set's value is the hash of the member the client sent, whatever that member is
                double v = kind == Kind.SET ? UniqueSketch.memberHash("member " + value) : value;
                assertThat(rollup.accept(new Event(S, M0, kind, v, rate))).isEqualTo(Rollup.Outcome.COUNTED);
            }
        });
    }

    @Test
    void thePoisonLineIsRefusedWithItsReason() {
        assertThatThrownBy(() -> new Event(S, M0, Kind.DISTRIBUTION, 1e308, 0.5))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("value out of range: 1.0E308 is beyond +-1e18 for poison{}");
        assertThatThrownBy(() -> new Event(S, M0, Kind.DISTRIBUTION, 1, 4.9e-324))
                .hasMessage("sample rate must be in [0.000001, 1], got 4.9E-324 for poison{}");
    }

    @Test
    void theRollupRefusesOutOfRangeValuesAndWeightsItIsHandedDirectly() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        int timing = rollup.register(S, Kind.DISTRIBUTION);
        int counter = rollup.register(S, Kind.COUNTER);

        assertThat(rollup.addValue(timing, M0, 1e308, 2)).isEqualTo(Rollup.Outcome.OUT_OF_RANGE);
        assertThat(rollup.addValue(timing, M0, Double.NaN, 1)).isEqualTo(Rollup.Outcome.OUT_OF_RANGE);
        assertThat(rollup.addValue(timing, M0, 1, Long.MAX_VALUE)).isEqualTo(Rollup.Outcome.OUT_OF_RANGE);
        assertThat(rollup.addValue(timing, M0, 1, 0)).isEqualTo(Rollup.Outcome.OUT_OF_RANGE);
        assertThat(rollup.addCount(counter, M0, Long.MIN_VALUE)).isEqualTo(Rollup.Outcome.OUT_OF_RANGE);

        Flush flush = rollup.flush(Origin.ofPartition(0, 0, 0));
        assertThat(flush.partials()).isEmpty();
        assertThat(flush.refusedEvents()).isEqualTo(5);
        assertThat(flush.events()).isZero();
        assertThat(flush.watermarkAtEnd()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aCounterEventThatWouldOverflowItsBucketIsRefusedAndChangesNothing() {
        long big = 1L << 53;
        List<Rollup.Outcome> outcomes = new ArrayList<>();
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        int ref = rollup.register(S, Kind.COUNTER);
        for (int i = 0; i < 1023; i++) {
            outcomes.add(rollup.addCount(ref, M0 + i, big)); // the minute and its hour: 1023 * 2^53 = 2^63 - 2^53
        }
        outcomes.add(rollup.addCount(ref, M0 + 59_999, big)); // both would reach 2^63
        outcomes.add(rollup.addCount(ref, M0 + 7, big - 1)); // both reach exactly 2^63-1: fits
        outcomes.add(rollup.addCount(ref, M0 + 60_000, 1)); // a fresh minute, but its hour is full
        outcomes.add(rollup.addCount(ref, M0 + 8, -big)); // and back down

        assertThat(outcomes.subList(0, 1023)).containsOnly(Rollup.Outcome.COUNTED);
        assertThat(outcomes.subList(1023, 1027)).containsExactly(Rollup.Outcome.OVERFLOW, Rollup.Outcome.COUNTED,
                Rollup.Outcome.OVERFLOW, Rollup.Outcome.COUNTED);
        Flush flush = rollup.flush(Origin.ofPartition(0, 0, 0));
        assertThat(flush.partials()).extracting(p -> p.aggregate().count()).containsOnly(1023 * big - 1);
        assertThat(flush.partials()).hasSize(2); // the minute and the hour: no cell for the refused minute
        assertThat(flush.events()).isEqualTo(1025);
        assertThat(flush.refusedEvents()).isEqualTo(2);
        assertThat(flush.watermarkAtEnd()).isEqualTo(M0 + 1022); // refused events move nothing
    }

    @Test
    void aReplayRefusesTheSameOverflowingEvents() {
        long big = 1L << 60;
        Gen<List<Long>> increments = lists().of(arbitrary().pick(List.of(big, -big, big - 1, 1L, Long.MAX_VALUE)))
                .ofSizeBetween(1, 40);
        qt().withExamples(30).forAll(increments).checkAssert(stream -> {
            assertThat(countAll(stream)).isEqualTo(countAll(stream));
            Flush flush = countAll(stream).flush;
            for (Partial p : flush.partials()) {
                assertFinite(p.aggregate());
            }
        });
    }

    @Test
    void distributionsAtTheEdgeOfTheRangeStayFinite() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        for (int i = 0; i < 10_000; i++) {
            rollup.accept(new Event(S, M0 + i, Kind.DISTRIBUTION, i % 2 == 0 ? 1e18 : -1e18, Limits.MIN_SAMPLE_RATE));
            rollup.accept(new Event(S, M0 + i, Kind.GAUGE, 1e18, 1));
        }
        for (Partial p : rollup.flush(Origin.ofPartition(0, 0, 0)).partials()) {
            assertFinite(p.aggregate());
            assertThat(p.aggregate().count()).isIn(10_000L, 10_000L * Limits.MAX_WEIGHT);
        }
    }

    private record Counted(List<Rollup.Outcome> outcomes, Flush flush) {
    }

    private static Counted countAll(List<Long> increments) {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS);
        int ref = rollup.register(S, Kind.COUNTER);
        List<Rollup.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < increments.size(); i++) {
            outcomes.add(rollup.addCount(ref, M0 + i * 97L % 120_000, increments.get(i)));
        }
        return new Counted(outcomes, rollup.flush(Origin.ofPartition(0, 0, 0)));
    }

    private static void assertFinite(Aggregate a) {
        if (a instanceof SetAggregate set) { // no sums: a count of members received and a sketch
            assertThat(set.count()).as("members of %s", a).isPositive();
            assertThat(set.uniqueCount()).as("unique members of %s", a).isPositive();
            return;
        }
        for (Aggregation statistic : List.of(Aggregation.SUM, Aggregation.MIN, Aggregation.MAX, Aggregation.AVG)) {
            assertThat(a.value(statistic)).as("%s of %s", statistic, a).isFinite();
        }
        if (a.kind() != Kind.COUNTER) {
            assertThat(a.count()).as("samples of %s", a).isPositive();
        }
    }
}
