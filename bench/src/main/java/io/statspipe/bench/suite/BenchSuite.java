package io.statspipe.bench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.statspipe.bench.AgentIngestBenchmark;
import io.statspipe.bench.ScratchDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the benchmark suite and prints one table: every figure beside its baseline (measured in
 * the same run), how many times better than the baseline it is, and the target with met or
 * missed. Also writes the figures as JSON for tracking.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.statspipe.bench.suite.BenchSuite [--quick] [--profile [FILE]] [--out FILE]
 *     [--store h2|cassandra] [--max-ahead LINES] [--drain SECONDS] [--end-to-end-only]
 * </pre>
 *
 * <p>{@code --quick} runs every figure for a few seconds (a smoke run: proves the benchmarks
 * still work, measures nothing worth recording). {@code --profile} records the end-to-end run
 * with JFR (default {@code bench/target/e2e.jfr}) and prints its hottest methods. {@code --out}
 * sets the JSON file (default {@code bench/target/bench-results.json}). {@code --store} picks
 * KairosDB's datastore in the end-to-end part (default H2). {@code --max-ahead} and
 * {@code --drain} set the end-to-end run's backlog bound and how long it may drain (see
 * {@link EndToEnd.Plan}). {@code --end-to-end-only} stops after the end-to-end part (about fifteen
 * minutes instead of thirty, for working on the pipeline).
 */
public final class BenchSuite {
    private BenchSuite() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        // the engines leave non-daemon threads behind (Storm, Kafka clients); the figures are out
        System.exit(0);
    }

    /** Runs the suite; returns the figures (also printed and written as JSON). */
    public static List<Figure> run(String[] args) throws Exception {
        List<String> arguments = List.of(args);
        boolean quick = arguments.contains("--quick");
        boolean endToEndOnly = arguments.contains("--end-to-end-only");
        Path out = Path.of(argAfter(args, "--out", "bench/target/bench-results.json"));
        Path profile = null;
        int p = arguments.indexOf("--profile");
        if (p >= 0) {
            profile = Path.of(p + 1 < args.length && !args[p + 1].startsWith("--") ? args[p + 1] : "bench/target/e2e.jfr");
            Files.createDirectories(profile.toAbsolutePath().getParent());
        }
        Profiler profiler = Profiler.to(profile);
        EndToEnd.Plan plan = quick ? EndToEnd.Plan.quick() : EndToEnd.Plan.full();
        plan = plan.on(EndToEnd.Store.parse(argAfter(args, "--store", "h2")))
                .limitedTo(number(args, "--max-ahead", plan.maxAhead()),
                        Duration.ofSeconds(number(args, "--drain", plan.drain().toSeconds())));
        long began = System.nanoTime();
        Duration each = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
        List<Figure> figures = new ArrayList<>();
        try (ScratchDir scratch = ScratchDir.create("statspipe-suite")) {
            Path dir = scratch.path();
            // the smoke run sends a few seconds of the reference shape over fewer series: KairosDB on H2 takes
            // a few thousand points per second, and every series touched writes its points on each flush
            figures.addAll(EndToEnd.measure(quick ? Workload.reference().withSeries(500) : Workload.reference(), plan, dir,
                    profiler));
            if (endToEndOnly) {
                double seconds = (System.nanoTime() - began) / 1e9;
                print(figures, quick, plan, seconds);
                profiler.summarise(System.out, 15);
                write(out, figures, quick, plan, seconds);
                return figures;
            }

            System.err.println("agent: parse -> spool -> Kafka beside the raw producer...");
            figures.add(agent(quick ? 200_000 : 2_000_000, quick ? 2 : 3));

            System.err.println("rollup hot path through JMH...");
            figures.addAll(JmhFigures.measure(quick));

            for (Workload w : quick ? List.of(Workload.reference()) : List.of(Workload.reference(), Workload.skewed(),
                    Workload.highCardinality())) {
                System.err.println("rollup throughput and heap on the " + w.name() + " workload...");
                figures.addAll(RollupFigures.measure(w, each));
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        print(figures, quick, plan, seconds);
        profiler.summarise(System.out, 15);
        write(out, figures, quick, plan, seconds);
        return figures;
    }

    private static Figure agent(int lines, int rounds) throws Exception {
        List<AgentIngestBenchmark.Round> all = AgentIngestBenchmark.measure(lines, rounds);
        List<AgentIngestBenchmark.Round> measured = all.size() > 1 ? all.subList(1, all.size()) : all;
        // lines over total time of the measured rounds: the harmonic mean of their rates
        double agentSeconds = measured.stream().mapToDouble(r -> 1 / r.agent()).sum();
        double rawSeconds = measured.stream().mapToDouble(r -> 1 / r.raw()).sum();
        return new Figure("agent lines/s (parse -> spool -> Kafka acked)", "1k series mix", measured.size() / agentSeconds,
                "lines/s", "raw Kafka producer, 1 record/line", measured.size() / rawSeconds, true, 1_000_000, 0.5,
                String.format(Locale.ROOT, "%,d lines per round, %d measured round(s) after %d warm-up", lines, measured.size(),
                        all.size() - measured.size()));
    }

    static void print(List<Figure> figures, boolean quick, EndToEnd.Plan plan, double seconds) {
        System.out.println();
        System.out.printf(Locale.ROOT, "statspipe benchmark suite%s: %d cores, max heap %,d MB, Java %s, %.0f s%n",
                quick ? " (--quick: a smoke run, not a measurement)" : "", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), seconds);
        System.out.printf(Locale.ROOT, "end to end on %s; backlog bound %,d lines, drain bound %d s%n", plan.store().label(),
                plan.maxAhead(), plan.drain().toSeconds());
        System.out.println("gain = how many times better than the baseline (value/baseline, or baseline/value where lower is better)");
        System.out.println();
        System.out.println("| figure | workload | value | baseline | baseline value | gain | target | verdict |");
        System.out.println("| --- | --- | ---: | --- | ---: | ---: | --- | --- |");
        for (Figure f : figures) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %sx | %s | %s |%n", f.name(), f.workload(),
                    format(f.value()), f.baseline(), format(f.baselineValue()), format(f.gain()), target(f), f.verdict());
        }
        System.out.println();
        figures.stream().filter(f -> !f.note().isEmpty())
                .forEach(f -> System.out.println("- " + f.name() + " (" + f.workload() + "): " + f.note()));
    }

    private static String target(Figure f) {
        List<String> parts = new ArrayList<>();
        if (!Double.isNaN(f.target())) {
            parts.add((f.higherIsBetter() ? ">= " : "<= ") + format(f.target()) + " " + f.unit());
        }
        if (!Double.isNaN(f.gainTarget())) {
            parts.add("gain >= " + format(f.gainTarget()) + "x");
        }
        return String.join(", ", parts);
    }

    static void write(Path out, List<Figure> figures, boolean quick, EndToEnd.Plan plan, double seconds) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("at", Instant.now().toString());
        doc.put("quick", quick);
        doc.put("seconds", seconds);
        doc.put("store", plan.store().key());
        doc.put("maxAheadLines", plan.maxAhead());
        doc.put("drainSeconds", plan.drain().toSeconds());
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "maxHeapBytes", Runtime.getRuntime().maxMemory(), "java", System.getProperty("java.version")));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("figure", f.name());
            row.put("workload", f.workload());
            row.put("value", f.value());
            row.put("unit", f.unit());
            row.put("baseline", f.baseline());
            row.put("baselineValue", f.baselineValue());
            row.put("gain", Double.isNaN(f.gain()) ? null : f.gain());
            row.put("target", Double.isNaN(f.target()) ? null : f.target());
            row.put("gainTarget", Double.isNaN(f.gainTarget()) ? null : f.gainTarget());
            row.put("verdict", f.verdict());
            row.put("note", f.note());
            rows.add(row);
        }
        doc.put("figures", rows);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
        System.out.println("figures written to " + out);
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10 || a == 0) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.5f", v);
    }

    /** A whole number after {@code flag} ({@code 30_000_000} or {@code 30000000}), or {@code otherwise}. */
    private static long number(String[] args, String flag, long otherwise) {
        String value = argAfter(args, flag, Long.toString(otherwise));
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes a whole number, got '" + value + "'", e);
        }
    }

    private static String argAfter(String[] args, String flag, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(flag)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }
}
