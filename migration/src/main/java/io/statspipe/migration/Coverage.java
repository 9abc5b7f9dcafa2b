package io.statspipe.migration;

import io.statspipe.domain.InvalidStatException;

/**
 * Which series a verification compares: all of them, or a random sample large enough that, if
 * at least {@code tolerance} of all series differed, the sample would contain one with
 * probability {@code confidence}: {@code n = ceil(ln(1 - confidence) / ln(1 - tolerance))}
 * (e.g. 299 series for 95% confidence of catching a 1% discrepancy rate).
 */
public record Coverage(boolean all, double confidence, double tolerance, long seed) {

    public Coverage {
        if (!all && !(confidence > 0 && confidence < 1 && tolerance > 0 && tolerance < 1)) {
            throw new InvalidStatException("a sample needs a confidence and a tolerance between 0 and 1, got "
                    + confidence + " and " + tolerance);
        }
    }

    public static Coverage allSeries() {
        return new Coverage(true, 1, 0, 0);
    }

    public static Coverage sample(double confidence, double tolerance, long seed) {
        return new Coverage(false, confidence, tolerance, seed);
    }

    /** How many series to compare out of {@code total}. */
    public int sampleSize(int total) {
        if (all) {
            return total;
        }
        long n = (long) Math.ceil(Math.log(1 - confidence) / Math.log(1 - tolerance));
        return (int) Math.min(total, n);
    }

    /** What a clean result over this coverage means, for the report. */
    public String statement(int compared, int total) {
        if (all || compared == total) {
            return "all " + total + " series compared";
        }
        return String.format(java.util.Locale.ROOT,
                "%d of %d series sampled: if %.2f%% or more of all series differed, a clean sample had less than"
                        + " a %.1f%% chance", compared, total, tolerance * 100, (1 - confidence) * 100);
    }
}
