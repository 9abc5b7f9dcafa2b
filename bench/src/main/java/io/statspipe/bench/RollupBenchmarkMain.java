package io.statspipe.bench;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link RollupBenchmark} and prints, per series count, the rollup's rate beside the
 * baseline's and their ratio. {@code --quick} runs one short iteration each (a smoke run that
 * proves the benchmark still works, not a measurement).
 */
public final class RollupBenchmarkMain {
    private RollupBenchmarkMain() {
    }

    public static void main(String[] args) throws RunnerException {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        ChainedOptionsBuilder options = new OptionsBuilder().include(RollupBenchmark.class.getName() + "\\.");
        if (quick) {
            options.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.seconds(1))
                    .param("series", "10000");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> bySeries = new TreeMap<>();
        for (RunResult r : results) {
            String series = r.getParams().getParam("series");
            boolean isRollup = r.getParams().getBenchmark().endsWith(".rollup");
            bySeries.computeIfAbsent(series, s -> new double[2])[isRollup ? 0 : 1] = r.getPrimaryResult().getScore();
        }
        System.out.println();
        System.out.printf("%-10s %18s %18s %8s%n", "series", "rollup events/s", "HashMap events/s", "ratio");
        bySeries.forEach((series, rates) -> System.out.printf("%-10s %,18.0f %,18.0f %7.2fx%n",
                series, rates[0], rates[1], rates[1] == 0 ? 0 : rates[0] / rates[1]));
    }
}
