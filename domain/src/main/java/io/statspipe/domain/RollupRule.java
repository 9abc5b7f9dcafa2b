package io.statspipe.domain;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which events a rule takes ({@code metrics} glob and {@code where}: tag key to value glob,
 * {@code *} meaning "present"), which tags it keeps, the resolutions it writes, the
 * aggregations it emits, and the metric name it writes under ({@code output}, where
 * {@code {metric}} stands for the input metric name).
 *
 * <p>A rule that drops tags writes under a metric name of its own: in KairosDB a tag filter
 * matches every series whose tags include it, so a rolled-up series sharing its metric name
 * with the series it rolls up would be counted twice by every query.
 */
public record RollupRule(String name, MetricPattern metrics, Map<String, String> where, KeepTags keep,
                         List<Resolution> resolutions, Set<Aggregation.Type> emits, String output) {
    public static final String METRIC_PLACEHOLDER = "{metric}";

    public RollupRule {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new InvalidStatException("rule name '" + name
                    + "' must be 1-64 lower-case letters, digits, _ or -, starting with a letter or digit");
        }
        if (metrics == null || keep == null) {
            throw new InvalidStatException("rule '" + name + "' needs a metric pattern and the tags it keeps");
        }
        where = Map.copyOf(new TreeMap<>(where));
        if (resolutions == null || resolutions.isEmpty()) {
            throw new InvalidStatException("rule '" + name + "' writes no resolution");
        }
        resolutions = resolutions.stream().sorted().distinct().toList();
        if (emits == null || emits.isEmpty()) {
            throw new InvalidStatException("rule '" + name + "' emits no aggregation");
        }
        emits = Set.copyOf(EnumSet.copyOf(emits));
        if (output == null || output.isEmpty()) {
            throw new InvalidStatException("rule '" + name + "' has no output metric name");
        }
        if (output.indexOf(METRIC_PLACEHOLDER) != output.lastIndexOf(METRIC_PLACEHOLDER)) {
            throw new InvalidStatException("rule '" + name + "' output '" + output + "' may use {metric} only once");
        }
        if (!keep.everything() && output.equals(METRIC_PLACEHOLDER)) {
            throw new InvalidStatException("rule '" + name + "' drops tags but writes under the input metric name:"
                    + " KairosDB tag filters match supersets, so queries would count its series twice;"
                    + " give it a name of its own, such as '{metric}.by_" + String.join("_", keep.keys()) + "'");
        }
        // The output name itself must be a valid metric name once {metric} is filled in.
        new Series(output.replace(METRIC_PLACEHOLDER, "m"), Tags.none());
    }

    /** Every event, every tag, one-minute and one-hour buckets, every aggregation, under its own name. */
    public static RollupRule identity(String name, List<Resolution> resolutions) {
        return new RollupRule(name, MetricPattern.any(), Map.of(), KeepTags.all(), resolutions,
                EnumSet.allOf(Aggregation.Type.class), METRIC_PLACEHOLDER);
    }

    public boolean matches(Series series) {
        if (!metrics.matches(series.metric())) {
            return false;
        }
        for (Map.Entry<String, String> condition : where.entrySet()) {
            String value = series.tags().valueOrNull(condition.getKey());
            if (value == null || !MetricPattern.of(condition.getValue()).matches(value)) {
                return false;
            }
        }
        return true;
    }

    public boolean keepsAllTags() {
        return keep.everything();
    }

    public boolean writesUnderInputName() {
        return output.equals(METRIC_PLACEHOLDER);
    }

    public String outputMetric(String inputMetric) {
        return output.replace(METRIC_PLACEHOLDER, inputMetric);
    }

    /** The series this rule writes for an input series. */
    public Series outputSeries(Series input) {
        String metric = outputMetric(input.metric());
        Tags tags = keep.apply(input.tags());
        // An identity rule writes the input series itself: sharing it saves a copy per series.
        return tags == input.tags() && metric.equals(input.metric()) ? input : new Series(metric, tags);
    }

    /**
     * Refuses a resolution whose buckets have fewer slots than flushes of one partition can write
     * into one bucket ({@link PartialId#slot()}: one slot per millisecond of the bucket, chosen by
     * the flush's sequence number). A bucket takes events while the watermark is within the
     * bucket's width plus the horizon of it, and a partition flushes at most once per
     * {@code flushInterval}; more flushes than slots would put two partials on one point, and the
     * later would overwrite the earlier.
     */
    public void requireDistinctSlots(Duration flushInterval, Duration horizon) {
        for (Resolution resolution : resolutions) {
            long flushes = flushesInto(resolution, flushInterval, horizon);
            if (flushes > resolution.widthMillis()) {
                long minimumMillis = -Math.floorDiv(-(resolution.widthMillis() + horizon.toMillis()),
                        resolution.widthMillis() - 1);
                throw new InvalidStatException("rule '" + name + "' resolution " + resolution.name()
                        + " is too fine for a flush interval of " + flushInterval.toMillis() + " ms and a horizon of "
                        + horizon + ": up to " + flushes + " flushes of a partition can write into one "
                        + resolution.name() + " bucket, which has " + resolution.widthMillis()
                        + " slots (one per millisecond); use wider buckets or a flush interval of at least "
                        + -Math.floorDiv(-minimumMillis, 1000L) + " s");
            }
        }
    }

    /** The most flushes of one partition that can write into one bucket of {@code resolution}. */
    static long flushesInto(Resolution resolution, Duration flushInterval, Duration horizon) {
        return (resolution.widthMillis() + horizon.toMillis()) / flushInterval.toMillis() + 1;
    }

    /** True when this rule could write a series named {@code metric}. */
    boolean couldWrite(String metric) {
        int at = output.indexOf(METRIC_PLACEHOLDER);
        if (at < 0) {
            return output.equals(metric);
        }
        String prefix = output.substring(0, at);
        String suffix = output.substring(at + METRIC_PLACEHOLDER.length());
        return metric.length() > prefix.length() + suffix.length() && metric.startsWith(prefix) && metric.endsWith(suffix);
    }
}
