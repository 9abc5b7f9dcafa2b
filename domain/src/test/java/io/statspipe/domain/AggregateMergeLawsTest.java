package io.statspipe.domain;

import static io.statspipe.domain.Generators.counters;
import static io.statspipe.domain.Generators.distributions;
import static io.statspipe.domain.Generators.gauges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Partials may be combined in any grouping and order: merging must be associative and commutative. */
class AggregateMergeLawsTest {

    @Test
    void counterMergeIsAssociativeAndCommutative() {
        checkLaws(counters());
    }

    @Test
    void gaugeMergeIsAssociativeAndCommutative() {
        checkLaws(gauges());
    }

    @Test
    void distributionMergeIsAssociativeAndCommutative() {
        checkLaws(distributions());
    }

    @Test
    void setMergeIsAssociativeCommutativeAndIdempotent() {
        checkLaws(Generators.sets());
        qt().forAll(Generators.sets()).checkAssert(a -> assertThat(((SetAggregate) a.merge(a)).sketch()).isEqualTo(a.sketch()));
    }

    @Test
    void countsAddUpExactlyWhenMerged() {
        qt().forAll(counters(), counters()).checkAssert((a, b) ->
                assertThat(a.merge(b).count()).isEqualTo(a.count() + b.count()));
        qt().forAll(distributions(), distributions()).checkAssert((a, b) -> {
            DistributionAggregate merged = (DistributionAggregate) a.merge(b);
            assertThat(merged.count()).isEqualTo(a.count() + b.count());
            assertThat(merged.sketch().count()).isEqualTo(merged.count());
            assertThat(merged.min()).isEqualTo(Math.min(a.min(), b.min()));
            assertThat(merged.max()).isEqualTo(Math.max(a.max(), b.max()));
        });
    }

    @Test
    void gaugeLastIsTheLatestSampleWhateverTheMergeOrder() {
        GaugeAggregate early = GaugeAggregate.of(5, 1_000);
        GaugeAggregate late = GaugeAggregate.of(3, 2_000);
        GaugeAggregate sameMillisecondLarger = GaugeAggregate.of(9, 2_000);

        assertThat(early.merge(late).value(Aggregation.LAST)).isEqualTo(3);
        assertThat(late.merge(early).value(Aggregation.LAST)).isEqualTo(3);
        assertThat(late.merge(sameMillisecondLarger)).isEqualTo(sameMillisecondLarger.merge(late));
        assertThat(late.merge(sameMillisecondLarger).value(Aggregation.LAST)).isEqualTo(9);
    }

    @Test
    void aggregatesOfDifferentKindsRefuseToMerge() {
        assertThatThrownBy(() -> new CounterAggregate(1).merge(GaugeAggregate.of(1, 0)))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("cannot merge a COUNTER aggregate with a GAUGE aggregate");
    }

    @Test
    void aCounterOverflowFailsInsteadOfWrapping() {
        assertThatThrownBy(() -> new CounterAggregate(Long.MAX_VALUE).merge(new CounterAggregate(1)))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("merged count overflows a long: 9223372036854775807 + 1");
    }

    private static <A extends Aggregate> void checkLaws(Gen<A> aggregates) {
        qt().withExamples(2000).forAll(aggregates, aggregates, aggregates).checkAssert((a, b, c) -> {
            assertThat(a.merge(b)).isEqualTo(b.merge(a));
            assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
        });
    }
}
