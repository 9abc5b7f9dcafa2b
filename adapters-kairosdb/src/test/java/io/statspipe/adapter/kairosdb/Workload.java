package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Event;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Partials as the pipeline makes them: events of counters, gauges and distributions folded by the
 * domain's {@link Rollup} (1m and 1h, every aggregation), several flushes on each of three input
 * streams, so every bucket holds several partials from several streams.
 */
final class Workload {
    static final long HOUR = 3_600_000L;

    private Workload() {
    }

    /**
     * Partials of metrics {@code <prefix>.clicks} (counter, tags site and page, and a superset
     * series under the same metric), {@code <prefix>.cpu} (gauge, tag host) and
     * {@code <prefix>.latency} (distribution, tag route), over two hours from {@code hourStart}.
     */
    static List<Partial> partials(String prefix, long hourStart, long seed) {
        return partials(prefix, hourStart, seed, 0);
    }

    /** The same, with flush sequence numbers from {@code firstSeq}: later flushes of the same streams. */
    static List<Partial> partials(String prefix, long hourStart, long seed, int firstSeq) {
        Random random = new Random(seed);
        List<Partial> partials = new ArrayList<>();
        for (int stream = 0; stream < 3; stream++) {
            Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS);
            long offset = 0;
            for (int flush = 0; flush < 4; flush++) {
                for (int i = 0; i < 60; i++) {
                    // event times move forward so nothing is refused; 4 minutes of each hour, both hours
                    long t = hourStart + (i % 2) * HOUR + (flush * 60_000L) + random.nextInt(60_000);
                    String site = "s" + random.nextInt(3);
                    String page = random.nextBoolean() ? "home" : "about";
                    rollup.accept(Event.counter(Series.of(prefix + ".clicks", "site", site, "page", page), t,
                            1 + random.nextInt(5)));
                    if (i % 7 == 0) {
                        // the superset trap: only site, no page, under the same metric name
                        rollup.accept(Event.counter(Series.of(prefix + ".clicks", "site", site), t, 100));
                    }
                    rollup.accept(Event.gauge(Series.of(prefix + ".cpu", "host", "h" + random.nextInt(2)), t,
                            random.nextInt(200) / 2.0));
                    rollup.accept(Event.distribution(Series.of(prefix + ".latency", "route", "r" + random.nextInt(2)),
                            t, 1 + random.nextInt(500)));
                    offset++;
                }
                partials.addAll(rollup.flush(Origin.ofPartition(stream, firstSeq + flush, offset)).partials());
            }
        }
        return partials;
    }
}
