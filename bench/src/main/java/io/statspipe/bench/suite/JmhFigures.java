package io.statspipe.bench.suite;

import io.statspipe.bench.RollupBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@link RollupBenchmark} (the domain's hot path beside a bare {@code HashMap} loop) run through
 * JMH from the suite with short iterations: one fork, 2 x 1 s warm-up, 3 x 1 s measurement, for
 * 10k and 1M series. The quick run measures one 1 s iteration of 10k series in this JVM (no fork).
 */
public final class JmhFigures {
    private JmhFigures() {
    }

    public static List<Figure> measure(boolean quick) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder().include(RollupBenchmark.class.getName() + "\\.")
                .verbosity(VerboseMode.SILENT);
        if (quick) {
            options.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.seconds(1))
                    .param("series", "10000");
        } else {
            options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                    .measurementTime(TimeValue.seconds(1));
        }
        Map<Integer, double[]> bySeries = new TreeMap<>();
        for (RunResult r : new Runner(options.build()).run()) {
            int series = Integer.parseInt(r.getParams().getParam("series"));
            boolean isRollup = r.getParams().getBenchmark().endsWith(".rollup");
            bySeries.computeIfAbsent(series, s -> new double[2])[isRollup ? 0 : 1] = r.getPrimaryResult().getScore();
        }
        List<Figure> figures = new ArrayList<>();
        bySeries.forEach((series, rates) -> figures.add(new Figure("rollup hot path, JMH (counter events/s)",
                String.format("%,d series", series), rates[0], "events/s", "HashMap<Long,long[]> loop (JMH)", rates[1], true,
                20_000_000, 0.5, quick ? "one 1 s iteration, no fork" : "1 fork, 2 x 1 s warm-up, 3 x 1 s measured")));
        return figures;
    }
}
