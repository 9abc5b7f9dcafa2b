package io.statspipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.bench.suite.BenchSuite;
import io.statspipe.bench.topology.TopologyBenchmark;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every benchmark briefly so none can rot unnoticed. These runs measure nothing worth
 * recording: they prove the benchmarks still work and produce every figure.
 */
class BenchmarkSmokeTest {

    @Test
    void theRollupBenchmarkCountsEveryEventOfAnInvocation() {
        RollupBenchmark benchmark = new RollupBenchmark();
        benchmark.series = 10_000;
        benchmark.generate();

        assertThat(benchmark.rollup()).isEqualTo(RollupBenchmark.EVENTS);
        assertThat(benchmark.hashMapBaseline()).isPositive();
    }

    @Test
    void theDecodeBenchmarkReadsTheSameEventsThreeWays() throws Exception {
        DecodeBenchmark benchmark = new DecodeBenchmark();
        benchmark.series = 2_500;
        benchmark.generate();

        long events = benchmark.decodeToEvents();
        assertThat(events).as("increments of 1 to 3 per event")
                .isBetween((long) DecodeBenchmark.RECORDS * DecodeBenchmark.EVENTS_PER_RECORD,
                        3L * DecodeBenchmark.RECORDS * DecodeBenchmark.EVENTS_PER_RECORD);
        assertThat(benchmark.generatedParser()).isEqualTo(events);
        assertThat(benchmark.decodeInto()).isEqualTo(events);
        assertThat(benchmark.decodeInto()).as("the same again: nothing left over from the first call").isEqualTo(events);
    }

    @Test
    void theTopologyBenchmarkCountsEveryEventBesideTheNaiveTopology() throws Exception {
        TopologyBenchmark.Figures f = TopologyBenchmark.run(new TopologyBenchmark.Plan(200_000, 1_000, 5_000, 20_000, 0, 0, 0));

        assertThat(f.events()).isEqualTo(200_000);
        assertThat(f.statspipe().endToEnd()).isPositive();
        assertThat(f.naive().endToEnd()).isPositive();
        assertThat(f.batchedNaive().endToEnd()).isPositive();
        assertThat(f.statspipePoints()).as("one point per series and minute, at least").isGreaterThanOrEqualTo(1_000);
    }

    @Test
    void theSuiteProducesEveryFigureWithItsBaseline(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("figures.json");

        BenchSuite.run(new String[] {"--quick", "--out", out.toString(), "--profile", dir.resolve("e2e.jfr").toString()});

        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        JsonNode figures = doc.get("figures");
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.List<String> freshnessWorkloads = new java.util.ArrayList<>();
        for (JsonNode f : figures) {
            names.add(f.get("figure").asText());
            if (f.get("figure").asText().equals("freshness p99, sent -> queryable (s)")) {
                freshnessWorkloads.add(f.get("workload").asText());
            }
            assertThat(f.get("value").asDouble()).as(f.get("figure").asText()).isPositive();
            assertThat(f.get("baselineValue").asDouble()).as(f.get("figure").asText()).isPositive();
            assertThat(f.get("gain").asDouble()).as(f.get("figure").asText()).isPositive();
        }
        assertThat(names).contains("end-to-end events/s (StatsD -> KairosDB)", "end-to-end events/s vs legacy",
                "end-to-end events/s vs KairosDB point/event", "database writes per event",
                "freshness p50, sent -> queryable (s)", "freshness p99, sent -> queryable (s)",
                "heap bytes per active (series, bucket)", "agent lines/s (parse -> spool -> Kafka acked)",
                "rollup hot path, JMH (counter events/s)");
        assertThat(dir.resolve("e2e.jfr")).isNotEmptyFile();
        assertThat(names).contains("KairosDB points per flush", "KairosDB points per (series, finest bucket) pair");
        assertThat(freshnessWorkloads).as("freshness of the full-rate run and of the steady one").hasSize(2)
                .anyMatch(w -> w.contains("steady"));
        assertThat(doc.get("store").asText()).isEqualTo("h2");
    }

    @Test
    void theMigrationBenchmarkMeasuresBackfillAndVerifyBesideTheirBaselines() throws Exception {
        MigrationBench.Figures f = MigrationBench.run(1, 2, 50);

        assertThat(f.points()).isPositive();
        assertThat(f.buckets()).isPositive();
        assertThat(f.backfill()).isPositive();
        assertThat(f.backfillBaseline()).isPositive();
        assertThat(f.verify()).isPositive();
        assertThat(f.verifyBaseline()).isPositive();
    }
}
