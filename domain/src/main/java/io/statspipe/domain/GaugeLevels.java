package io.statspipe.domain;

import java.util.HashMap;
import java.util.Map;

/**
 * The current level of each gauge series of one stream, so that a relative gauge value
 * ({@code +5}) can be turned into the level it makes. A gauge sample sets its series' level; a
 * relative one adds to it; a series whose level was never set is at 0 (etsy StatsD's rule).
 *
 * <p>Levels change in the order the stream's events are counted, which within a partition is the
 * log's order (a series lives in one partition), not the events' timestamps: so re-reading the
 * same records from the same levels gives the same levels. They outlive flushes and windows; what
 * a range began with is recorded with its flush ({@link #snapshot}) and restored on recovery.
 *
 * <p>Not thread-safe: one owner per stream, like {@link Rollup}.
 */
public final class GaugeLevels {

    /** The holder of one series' level: {@link Rollup} keeps it beside the series' reference. */
    static final class Level {
        double value;

        Level(double value) {
            this.value = value;
        }
    }

    private final Map<Series, Level> levels = new HashMap<>();

    /** Levels that start at 0 for every series. */
    public GaugeLevels() {
        this(Map.of());
    }

    /** Levels restored from a {@link #snapshot}. */
    public GaugeLevels(Map<Series, Double> start) {
        start.forEach((series, level) -> {
            if (!(Math.abs(level) <= Limits.MAX_ABS_VALUE)) {
                throw new InvalidStatException("gauge level out of range: " + level + " is beyond +-1e18 for " + series);
            }
            levels.put(series, new Level(level));
        });
    }

    /** The level of {@code series} now (0 when it was never set). */
    public double of(Series series) {
        Level level = levels.get(series);
        return level == null ? 0 : level.value;
    }

    /**
     * The level {@code value} makes, without changing anything: {@code value} itself, or, when
     * {@code relative}, the current level plus {@code value}.
     */
    static double next(Level level, double value, boolean relative) {
        return relative ? level.value + value : value;
    }

    /** The holder of {@code series}' level, created at 0 when it has none. */
    Level holder(Series series) {
        return levels.computeIfAbsent(series, s -> new Level(0));
    }

    /**
     * The levels now, for the record of a flush: every series whose level is not +0 (which
     * behaves as a level never set; -0.0 does not quite: -0.0 + -0.0 is -0.0). Taken at every
     * flush, so a plain copy: a record that needs an order sorts it itself.
     */
    public Map<Series, Double> snapshot() {
        Map<Series, Double> copy = new HashMap<>();
        levels.forEach((series, level) -> {
            if (Double.doubleToRawLongBits(level.value) != 0) {
                copy.put(series, level.value);
            }
        });
        return Map.copyOf(copy);
    }
}
