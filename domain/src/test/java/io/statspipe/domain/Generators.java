package io.statspipe.domain;

import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.quicktheories.core.Gen;

/** Generators for property-based tests of the domain. */
final class Generators {
    /** 2023-11-14T22:13:20Z: an arbitrary base time; buckets are derived from it, never assumed. */
    static final long T0 = 1_700_000_000_000L;

    private Generators() {
    }

    static Gen<Long> timestamps() {
        return longs().between(T0, T0 + 3 * 3_600_000L);
    }

    /**
     * Integer-valued doubles: their sums are exact in floating point, so merge laws can be
     * checked with equality (floating-point addition is only associative when nothing rounds).
     */
    static Gen<Double> wholeValues() {
        return integers().between(-1_000_000, 1_000_000).map(i -> (double) i);
    }

    static Gen<CounterAggregate> counters() {
        return longs().between(0, 1L << 40).map(CounterAggregate::new);
    }

    static Gen<GaugeAggregate> gauges() {
        return lists().of(wholeValues()).ofSizeBetween(1, 8).zip(longs().between(T0, T0 + 60_000), (values, at) -> {
            GaugeAggregate g = GaugeAggregate.of(values.get(0), at);
            for (int i = 1; i < values.size(); i++) {
                g = (GaugeAggregate) g.merge(GaugeAggregate.of(values.get(i), at + (i * 7919L) % 60_000));
            }
            return g;
        });
    }

    static Gen<DistributionAggregate> distributions() {
        Gen<Double> timings = doubles().between(-5_000, 1_000_000).map(d -> (double) Math.round(d));
        return lists().of(timings).ofSizeBetween(1, 12).map(Generators::distributionOf);
    }

    static DistributionAggregate distributionOf(List<Double> values) {
        DistributionAggregate d = DistributionAggregate.of(values.get(0));
        for (int i = 1; i < values.size(); i++) {
            d = (DistributionAggregate) d.merge(DistributionAggregate.of(values.get(i)));
        }
        return d;
    }

    /** Sets of 1 to 40 members drawn from 60, so that generated sets overlap. */
    static Gen<SetAggregate> sets() {
        return lists().of(integers().between(0, 59)).ofSizeBetween(1, 40).map(members -> {
            UniqueSketch.Builder b = new UniqueSketch.Builder();
            members.forEach(m -> b.add(UniqueSketch.memberHash("member-" + m)));
            return new SetAggregate(members.size(), b.build());
        });
    }
}
