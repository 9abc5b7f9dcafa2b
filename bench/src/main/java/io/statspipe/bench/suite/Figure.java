package io.statspipe.bench.suite;

/**
 * One measured figure beside its baseline, measured in the same run. {@code higherIsBetter}
 * says which way the ratio should point; {@code target} is the project's goal (NaN when none).
 */
public record Figure(String name, String workload, double value, String unit, String baseline, double baselineValue,
                     boolean higherIsBetter, double target, String note) {

    /** value / baseline. */
    public double ratio() {
        return baselineValue == 0 ? Double.NaN : value / baselineValue;
    }

    public String verdict() {
        if (Double.isNaN(target)) {
            return "";
        }
        return (higherIsBetter ? value >= target : value <= target) ? "met" : "missed";
    }
}
