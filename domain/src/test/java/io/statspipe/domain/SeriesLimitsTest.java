package io.statspipe.domain;

import static io.statspipe.domain.Generators.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesLimitsTest {
    private static final long M0 = T0 - T0 % 60_000;
    private static final RollupSettings SETTINGS = new RollupSettings(Duration.ofSeconds(10), Duration.ofHours(6));

    private static Series series(String tenant, int n) {
        return Series.of("page.views", "tenant", tenant, "page", "p" + n);
    }

    @Test
    void aWindowAdmitsTheFirstSeriesOfEachTenantUpToItsLimitAndRefusesTheRest() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS, new SeriesLimits(3, 5), Long.MIN_VALUE);
        List<Rollup.Outcome> acme = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            acme.add(rollup.accept(Event.counter(series("acme", n), M0, 1)));
        }
        acme.add(rollup.accept(Event.counter(series("acme", 1), M0, 1))); // admitted already: still counted
        List<Rollup.Outcome> globex = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            globex.add(rollup.accept(Event.counter(series("globex", n), M0, 1)));
        }

        assertThat(acme).containsExactly(Rollup.Outcome.COUNTED, Rollup.Outcome.COUNTED, Rollup.Outcome.COUNTED,
                Rollup.Outcome.SERIES_LIMIT, Rollup.Outcome.SERIES_LIMIT, Rollup.Outcome.COUNTED);
        // globex has room for 3, but the stream holds 5 series in all
        assertThat(globex).containsExactly(Rollup.Outcome.COUNTED, Rollup.Outcome.COUNTED, Rollup.Outcome.SERIES_LIMIT,
                Rollup.Outcome.SERIES_LIMIT);
        assertThat(rollup.seriesByTenant()).containsOnly(entry("acme", 3), entry("globex", 2));
        assertThat(rollup.whyOverLimit(series("acme", 9))).startsWith("3 series of tenant 'acme', its limit");
        assertThat(rollup.whyOverLimit(series("initech", 0))).startsWith("5 series in all, its limit");
        Flush flush = rollup.flush(Origin.ofPartition(0, 0, 0));
        assertThat(flush.refusedEvents()).isEqualTo(4);
        assertThat(flush.partials()).hasSize(2 * 5); // only admitted series hold buckets: a minute and an hour each
    }

    @Test
    void refusedSeriesHoldNothingAndAWindowsEndForgetsEverySeries() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS, new SeriesLimits(100, 100), Long.MIN_VALUE);
        for (int n = 0; n < 10_000; n++) {
            rollup.accept(Event.counter(series("acme", n), M0, 1));
        }
        assertThat(rollup.openCells()).isEqualTo(2 * 100);
        assertThat(rollup.seriesByTenant()).containsOnly(entry("acme", 100));
        long windows = rollup.windows();

        rollup.flush(Origin.ofPartition(0, 0, 0), false); // the minutes only: the window goes on
        assertThat(rollup.windows()).isEqualTo(windows);
        assertThat(rollup.accept(Event.counter(series("acme", 5_000), M0, 1))).isEqualTo(Rollup.Outcome.SERIES_LIMIT);
        rollup.flush(Origin.ofPartition(0, 1, 1), true); // every resolution: the window ends

        assertThat(rollup.windows()).isEqualTo(windows + 1);
        assertThat(rollup.seriesByTenant()).isEmpty();
        assertThat(rollup.openCells()).isZero();
        // The next window admits afresh, and only what it sees is held.
        assertThat(rollup.accept(Event.counter(series("acme", 5_000), M0, 1))).isEqualTo(Rollup.Outcome.COUNTED);
        assertThat(rollup.seriesByTenant()).containsOnly(entry("acme", 1));
    }

    @Test
    void aStreamTakesItsShareOfLimitsThatHoldForAllStreams() {
        assertThat(SeriesLimits.shareOf(100_000, 1_000_000, 8)).isEqualTo(new SeriesLimits(12_500, 125_000));
        assertThat(SeriesLimits.shareOf(10, 10, 3)).isEqualTo(new SeriesLimits(4, 4));
        assertThat(SeriesLimits.shareOf(Long.MAX_VALUE, 5, 1)).isEqualTo(new SeriesLimits(Integer.MAX_VALUE, 5));
        assertThatThrownBy(() -> SeriesLimits.shareOf(0, 5, 1)).hasMessage("a series limit must be at least 1, got 0");
        assertThatThrownBy(() -> new SeriesLimits(0, 1)).hasMessageContaining("at least 1");
    }

    @Test
    void seriesWithoutATenantShareTheEmptyTenant() {
        Rollup rollup = new Rollup(RuleSet.defaults(), SETTINGS, new SeriesLimits(1, 10), Long.MIN_VALUE);
        assertThat(rollup.accept(Event.counter(Series.of("a"), M0, 1))).isEqualTo(Rollup.Outcome.COUNTED);
        assertThat(rollup.accept(Event.counter(Series.of("b"), M0, 1))).isEqualTo(Rollup.Outcome.SERIES_LIMIT);
        assertThat(rollup.seriesByTenant()).containsOnly(entry("", 1));
    }
}
