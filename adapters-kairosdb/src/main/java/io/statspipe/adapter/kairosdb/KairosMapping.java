package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RuleSet;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where statspipe's aggregates live in KairosDB (the why is in docs/design/kairosdb-mapping.md).
 *
 * <ul>
 *   <li>The finest resolution of a counter {@code X} is metric {@code X} itself, as long counts:
 *       a plain {@code sum} in KairosDB's own UI gives the exact count over any range and tags.
 *       Its coarser resolutions are {@code X:<resolution>:count}, also long counts.</li>
 *   <li>A gauge or distribution partial is one data point of statspipe's own KairosDB types
 *       ({@link KairosPlugin#GAUGE_TYPE}, {@link KairosPlugin#DIST_TYPE}, from statspipe's KairosDB plugin)
 *       holding its whole mergeable state, under {@code X:<resolution>:gauge} or
 *       {@code X:<resolution>:dist}. User metric names cannot hold {@code :}, so a derived name
 *       never equals a user's metric, and no two resolutions or kinds share one.</li>
 *   <li>Every point carries the user's tags and {@link #SOURCE_TAG} (the partial's input stream).
 *       User tag keys cannot start with {@code _}.</li>
 * </ul>
 *
 * <p>"Finest" is per metric: the finest resolution of the rule that writes it.
 */
public final class KairosMapping {
    /** The input stream a partial came from ({@code p3}, {@code bf}): part of every point's identity. */
    public static final String SOURCE_TAG = "_src";
    static final char SEPARATOR = ':';

    private final Function<String, Resolution> finestOf;

    private KairosMapping(Function<String, Resolution> finestOf) {
        this.finestOf = finestOf;
    }

    /** Every metric's finest resolution is {@code finest}. */
    public static KairosMapping finestEverywhere(Resolution finest) {
        return new KairosMapping(metric -> finest);
    }

    /** Each metric's finest resolution is the finest of the rule that writes it. */
    public static KairosMapping forRules(RuleSet rules) {
        Resolution overall = rules.finestResolution();
        return new KairosMapping(metric -> rules.writerOf(metric).map(rule -> rule.resolutions().get(0)).orElse(overall));
    }

    /** True when buckets of {@code resolution} are the finest ones written for {@code metric}. */
    boolean isFinest(String metric, Resolution resolution) {
        return finestOf.apply(metric).widthMillis() == resolution.widthMillis();
    }

    /** The KairosDB metric that holds a series' partials of one kind at one resolution. */
    String metricName(String metric, Kind kind, Resolution resolution) {
        return switch (kind) {
            case COUNTER -> isFinest(metric, resolution) ? metric : metric + SEPARATOR + resolution.name() + SEPARATOR + "count";
            case GAUGE -> metric + SEPARATOR + resolution.name() + SEPARATOR + "gauge";
            case DISTRIBUTION -> metric + SEPARATOR + resolution.name() + SEPARATOR + "dist";
            case SET -> metric + SEPARATOR + resolution.name() + SEPARATOR + "set";
        };
    }

    /** The KairosDB data point type of a kind's partials: plain longs for counters, the plugin's types otherwise. */
    static Optional<String> typeOf(Kind kind) {
        return switch (kind) {
            case COUNTER -> Optional.empty();
            case GAUGE -> Optional.of(KairosPlugin.GAUGE_TYPE);
            case DISTRIBUTION -> Optional.of(KairosPlugin.DIST_TYPE);
            case SET -> Optional.of(KairosPlugin.SET_TYPE);
        };
    }

    /** The series' metric and kind behind a stored metric name, if it is one of statspipe's. */
    static Optional<Stored> parseMetric(String name) {
        int first = name.indexOf(SEPARATOR);
        if (first < 0) {
            return Optional.of(new Stored(name, Kind.COUNTER));
        }
        int second = name.indexOf(SEPARATOR, first + 1);
        if (second < 0 || first == 0) {
            return Optional.empty();
        }
        String metric = name.substring(0, first);
        return switch (name.substring(second + 1)) {
            case "count" -> Optional.of(new Stored(metric, Kind.COUNTER));
            case "gauge" -> Optional.of(new Stored(metric, Kind.GAUGE));
            case "dist" -> Optional.of(new Stored(metric, Kind.DISTRIBUTION));
            case "set" -> Optional.of(new Stored(metric, Kind.SET));
            default -> Optional.empty();
        };
    }

    record Stored(String metric, Kind kind) {
    }

    static boolean isInternalTag(String key) {
        return key.startsWith("_");
    }
}
