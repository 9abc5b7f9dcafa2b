package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where statspipe's aggregates live in KairosDB (the why is in docs/design/kairosdb-mapping.md).
 *
 * <ul>
 *   <li>The finest resolution of a counter {@code X} is metric {@code X} itself, as long counts:
 *       a plain {@code sum} in KairosDB's own UI gives the exact count over any range and tags.</li>
 *   <li>Everything else is {@code X:<resolution>:<field>}: {@code X:1h:count},
 *       {@code X:1m:gauge.last}, {@code X:1m:dist.bins}. User metric names cannot hold {@code :},
 *       so a derived name never equals a user's metric, and no two resolutions or kinds share one.</li>
 *   <li>Every point carries the user's tags and {@link #SOURCE_TAG} (the partial's input stream);
 *       sketch bins also carry {@link #BIN_TAG}. User tag keys cannot start with {@code _}.</li>
 * </ul>
 *
 * <p>"Finest" is per metric: the finest resolution of the rule that writes it.
 */
public final class KairosMapping {
    /** The input stream a partial came from ({@code p3}, {@code bf}): part of every point's identity. */
    public static final String SOURCE_TAG = "_src";
    /** The sketch bin a bin count belongs to: {@code p12}, {@code n3}, {@code z}. */
    public static final String BIN_TAG = "_bin";
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
        Optional<RollupRule> underInputName = rules.rules().stream().filter(RollupRule::writesUnderInputName).findFirst();
        return new KairosMapping(metric -> rules.reservedBy(metric)
                .or(() -> underInputName)
                .map(rule -> rule.resolutions().get(0))
                .orElse(overall));
    }

    /** True when buckets of {@code resolution} are the finest ones written for {@code metric}. */
    boolean isFinest(String metric, Resolution resolution) {
        return finestOf.apply(metric).widthMillis() == resolution.widthMillis();
    }

    /** The KairosDB metric that holds one field of a series' aggregates at one resolution. */
    String metricName(String metric, Kind kind, Resolution resolution, Field field) {
        if (kind == Kind.COUNTER && field == Field.COUNT && isFinest(metric, resolution)) {
            return metric;
        }
        return metric + SEPARATOR + resolution.name() + SEPARATOR + field.nameIn(kind);
    }

    /**
     * The fields written for a partial: the count always (it makes the stored aggregate whole and
     * is what a bucket's existence is read from), distributions' sketch bins always (a distribution
     * aggregate is not valid without them), the rest as the rule's aggregations need them.
     */
    static Set<Field> fieldsFor(Kind kind, Set<Aggregation.Type> emits) {
        EnumSet<Field> fields = EnumSet.of(Field.COUNT);
        if (kind == Kind.COUNTER) {
            return fields;
        }
        if (kind == Kind.DISTRIBUTION) {
            fields.add(Field.BINS);
        }
        for (Aggregation.Type type : emits) {
            switch (type) {
                case SUM -> fields.add(Field.SUM);
                case AVG -> fields.add(Field.SUM);
                case MIN -> fields.add(Field.MIN);
                case MAX -> fields.add(Field.MAX);
                case LAST -> {
                    if (kind == Kind.GAUGE) {
                        fields.add(Field.LAST);
                        fields.add(Field.LAST_AT);
                    }
                }
                case COUNT, PERCENTILE -> {
                    // count and bins are always written
                }
            }
        }
        return fields;
    }

    /** The fields a query of {@code aggregation} over a {@code kind} reads. */
    static Set<Field> fieldsToRead(Kind kind, Aggregation aggregation) {
        if (kind == Kind.COUNTER) {
            return EnumSet.of(Field.COUNT);
        }
        return switch (aggregation.type()) {
            case COUNT -> EnumSet.of(Field.COUNT);
            case SUM -> EnumSet.of(Field.SUM);
            case MIN -> EnumSet.of(Field.MIN);
            case MAX -> EnumSet.of(Field.MAX);
            case AVG -> EnumSet.of(Field.SUM, Field.COUNT);
            case LAST -> EnumSet.of(Field.LAST, Field.LAST_AT);
            case PERCENTILE -> EnumSet.of(Field.BINS);
        };
    }

    /** The series' metric and kind behind a stored count metric name, if it is one. */
    static Optional<Stored> parseCountMetric(String name) {
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
            case "gauge.count" -> Optional.of(new Stored(metric, Kind.GAUGE));
            case "dist.count" -> Optional.of(new Stored(metric, Kind.DISTRIBUTION));
            default -> Optional.empty();
        };
    }

    record Stored(String metric, Kind kind) {
    }

    static boolean isInternalTag(String key) {
        return key.startsWith("_");
    }
}
