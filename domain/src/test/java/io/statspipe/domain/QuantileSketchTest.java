package io.statspipe.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuantileSketchTest {

    @Test
    void everyQuantileIsWithinOnePercentOfTheExactValue() {
        qt().withExamples(300).forAll(lists().of(doubles().between(0.001, 1e7)).ofSizeBetween(1, 400),
                doubles().between(0, 1)).checkAssert((values, q) -> {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
            double estimate = QuantileSketch.of(sorted).quantile(q);
            assertThat(estimate).isCloseTo(exact, within(exact * QuantileSketch.RELATIVE_ACCURACY + 1e-12));
        });
    }

    @Test
    void negativeZeroAndPositiveValuesAreOrderedCorrectly() {
        QuantileSketch sketch = QuantileSketch.of(-100, -1, 0, 0, 1, 100);

        assertThat(sketch.quantile(0)).isCloseTo(-100, within(1.0));
        assertThat(sketch.quantile(0.4)).isZero();
        assertThat(sketch.quantile(1)).isCloseTo(100, within(1.0));
        assertThat(sketch.count()).isEqualTo(6);
    }

    @Test
    void mergedSketchEqualsTheSketchOfAllValues() {
        qt().forAll(lists().of(doubles().between(-1e6, 1e6)).ofSizeBetween(0, 100),
                lists().of(doubles().between(-1e6, 1e6)).ofSizeBetween(0, 100)).checkAssert((a, b) -> {
            double[] all = concat(a, b);
            assertThat(QuantileSketch.of(toArray(a)).merge(QuantileSketch.of(toArray(b))))
                    .isEqualTo(QuantileSketch.of(all));
        });
    }

    @Test
    void storedBinsRebuildTheSameSketch() {
        QuantileSketch sketch = QuantileSketch.of(-3, 0, 0.5, 12, 12, 40_000);

        QuantileSketch rebuilt = QuantileSketch.fromBins(sketch.positiveBins(), sketch.negativeBins(), sketch.zeroCount());

        assertThat(rebuilt).isEqualTo(sketch);
        assertThat(rebuilt.quantile(0.5)).isEqualTo(sketch.quantile(0.5));
    }

    @Test
    void aSketchRefusesWhatItCannotAnswer() {
        assertThatThrownBy(() -> QuantileSketch.empty().quantile(0.5)).hasMessage("an empty sketch has no quantiles");
        assertThatThrownBy(() -> QuantileSketch.of(1).quantile(1.5))
                .hasMessage("quantile must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> QuantileSketch.fromBins(Map.of(3, -1L), Map.of(), 0))
                .hasMessage("sketch bin 3 has a negative count: -1");
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] concat(List<Double> a, List<Double> b) {
        double[] all = Arrays.copyOf(toArray(a), a.size() + b.size());
        System.arraycopy(toArray(b), 0, all, a.size(), b.size());
        return all;
    }
}
