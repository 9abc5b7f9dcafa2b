package io.statspipe.migration;

import io.statspipe.ports.in.TimeRange;
import java.util.List;

/**
 * What a verification compared and every difference it found. {@link #clean()} only when there
 * is none.
 */
public record VerificationReport(TimeRange range, String metricPrefix, int seriesTotal, int seriesCompared,
                                 long bucketsCompared, String coverage, List<Discrepancy> discrepancies) {

    public VerificationReport {
        discrepancies = List.copyOf(discrepancies);
    }

    public boolean clean() {
        return discrepancies.isEmpty();
    }

    /** Exit code for scripts: 0 clean, 1 differences found. */
    public int exitCode() {
        return clean() ? 0 : 1;
    }
}
