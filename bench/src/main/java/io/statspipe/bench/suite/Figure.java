package io.statspipe.bench.suite;

/**
 * One measured figure beside its baseline, measured in the same run.
 *
 * @param higherIsBetter which way is better, for the value and for the gain
 * @param target         the project's goal for the value (NaN when none)
 * @param gainTarget     the project's goal for the gain over the baseline (NaN when none)
 * @param note           what the reader needs to know to read the figure (empty when nothing)
 */
public record Figure(String name, String workload, double value, String unit, String baseline, double baselineValue,
                     boolean higherIsBetter, double target, double gainTarget, String note) {

    public Figure(String name, String workload, double value, String unit, String baseline, double baselineValue,
                  boolean higherIsBetter, double target, String note) {
        this(name, workload, value, unit, baseline, baselineValue, higherIsBetter, target, Double.NaN, note);
    }

    /** How many times better than the baseline: value / baseline, or baseline / value when lower is better. */
    public double gain() {
        if (value == 0 || baselineValue == 0) {
            return Double.NaN;
        }
        return higherIsBetter ? value / baselineValue : baselineValue / value;
    }

    /** value / baseline. */
    public double ratio() {
        return baselineValue == 0 ? Double.NaN : value / baselineValue;
    }

    public boolean hasTarget() {
        return !Double.isNaN(target) || !Double.isNaN(gainTarget);
    }

    /** "met", "missed", or "" when the figure has no target. */
    public String verdict() {
        if (!hasTarget()) {
            return "";
        }
        boolean met = Double.isNaN(target) || (higherIsBetter ? value >= target : value <= target);
        met &= Double.isNaN(gainTarget) || gain() >= gainTarget;
        return met ? "met" : "missed";
    }
}
