package io.statspipe.bench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * the same run), the ratio, and the target. Also writes the figures as JSON for tracking.
 *
 * <p>{@code --quick} runs every figure for a few seconds (a smoke run: proves the benchmarks
 * still work, measures nothing worth recording). {@code --out FILE} sets the JSON file
 * (default {@code bench/target/bench-results.json}).
 */
public final class BenchSuite {
    private BenchSuite() {
    }

    public static void main(String[] args) throws IOException {
        boolean quick = List.of(args).contains("--quick");
        Path out = Path.of(argAfter(args, "--out", "bench/target/bench-results.json"));
        Duration each = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(10);

        List<Figure> figures = new ArrayList<>();
        for (Workload w : quick ? List.of(Workload.reference()) : List.of(Workload.reference(), Workload.skewed(),
                Workload.highCardinality())) {
            System.err.println("measuring the rollup on the " + w.name() + " workload...");
            figures.addAll(RollupFigures.measure(w, each));
        }

        print(figures);
        write(out, figures, quick);
    }

    static void print(List<Figure> figures) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-40s %-17s %16s %-32s %16s %9s %14s%n", "figure", "workload", "value",
                "baseline", "baseline value", "ratio", "target");
        for (Figure f : figures) {
            System.out.printf(Locale.ROOT, "%-40s %-17s %16s %-32s %16s %8.2fx %14s%n", f.name(), f.workload(),
                    format(f.value()) + " ", f.baseline(), format(f.baselineValue()), f.ratio(),
                    Double.isNaN(f.target()) ? "" : (f.higherIsBetter() ? ">= " : "<= ") + format(f.target()) + " " + f.verdict());
        }
        System.out.println();
        figures.stream().filter(f -> !f.note().isEmpty())
                .forEach(f -> System.out.println("note (" + f.name() + ", " + f.workload() + "): " + f.note()));
    }

    static void write(Path out, List<Figure> figures, boolean quick) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("at", Instant.now().toString());
        doc.put("quick", quick);
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
            row.put("ratio", f.ratio());
            row.put("target", Double.isNaN(f.target()) ? null : f.target());
            row.put("verdict", f.verdict());
            rows.add(row);
        }
        doc.put("figures", rows);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
        System.out.println("figures written to " + out);
    }

    private static String format(double v) {
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
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
