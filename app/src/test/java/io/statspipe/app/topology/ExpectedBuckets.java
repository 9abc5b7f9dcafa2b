package io.statspipe.app.topology;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.Event;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.SetAggregate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every (series, kind, resolution, bucket) must end up holding once the events added here
 * are counted once: the domain's own aggregate of them, folded event by event with
 * {@link Aggregate#merge}. A gauge sample is the level it makes: a relative one changes its
 * series' level, in the order added (see {@link io.statspipe.domain.GaugeLevels}), so events of
 * one series must be added in the order they were sent.
 */
final class ExpectedBuckets {
    private final Map<String, Aggregate> expected = new HashMap<>();
    private final Map<Series, Double> levels = new HashMap<>();

    /** Adds an event to its series' bucket at each of {@code resolutions}. */
    void add(Event e, List<Resolution> resolutions) {
        Aggregate added = aggregateOf(e);
        for (Resolution r : resolutions) {
            add(e.series(), r, e, added);
        }
    }

    /** Adds an event to every bucket of every matching rule's output. */
    void add(Event e, RuleSet rules) {
        Aggregate added = aggregateOf(e);
        for (RollupRule rule : rules.matching(e.series())) {
            for (Resolution r : rule.resolutions()) {
                add(rule.outputSeries(e.series()), r, e, added);
            }
        }
    }

    private void add(Series series, Resolution resolution, Event e, Aggregate added) {
        expected.merge(key(series, e.kind(), resolution, resolution.bucketOf(e.timestamp()).start()), added,
                Aggregate::merge);
    }

    private Aggregate aggregateOf(Event e) {
        return switch (e.kind()) {
            case COUNTER -> new CounterAggregate(e.increment());
            case GAUGE -> {
                double level = e.relative() ? levels.getOrDefault(e.series(), 0.0) + e.value() : e.value();
                levels.put(e.series(), level);
                yield GaugeAggregate.of(level, e.timestamp());
            }
            case DISTRIBUTION -> {
                if (e.weight() != 1) {
                    throw new IllegalArgumentException("sampled distribution events are not modelled here: " + e);
                }
                yield DistributionAggregate.of(e.value());
            }
            case SET -> SetAggregate.of((long) e.value());
        };
    }

    /** The count every bucket must end up with, keyed by {@link #key}. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new HashMap<>();
        expected.forEach((k, aggregate) -> counts.put(k, aggregate.count()));
        return Map.copyOf(counts);
    }

    /** The whole aggregate every bucket must end up with, keyed by {@link #key}. */
    Map<String, Aggregate> aggregates() {
        return Map.copyOf(expected);
    }

    static String key(Series series, Kind kind, Resolution resolution, long bucketStart) {
        String prefix = kind == Kind.COUNTER ? "" : kind.name().toLowerCase() + " ";
        return prefix + series + "@" + resolution.name() + "@" + bucketStart;
    }
}
