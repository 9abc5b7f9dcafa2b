package io.statspipe.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {

    static PipelineStatus withTooNew(Map<String, Long> byProducer) {
        return new PipelineStatus(0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), byProducer);
    }

    @Test
    void flushesTheReadBackFoundMissingAndWroteAgainAreCounted() {
        AtomicReference<PipelineStatus> status = new AtomicReference<>(PipelineStatus.NOTHING_YET);
        PipelineMetrics metrics = new PipelineMetrics(status::get);
        assertThat(metrics.scrape()).contains("statspipe_store_readback_rewrites_total 0.0");

        status.set(new PipelineStatus(0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 3, Map.of(), Map.of()));

        assertThat(metrics.scrape()).contains("statspipe_store_readback_rewrites_total 3.0");
    }

    @Test
    void eventsRefusedForAFastClockAreCountedByTheProducerThatSentThem() {
        AtomicReference<PipelineStatus> status = new AtomicReference<>(PipelineStatus.NOTHING_YET);
        PipelineMetrics metrics = new PipelineMetrics(status::get);
        assertThat(metrics.scrape()).doesNotContain("statspipe_events_too_new_total");

        status.set(withTooNew(Map.of("agent-fast", 200L)));
        metrics.scrape();
        status.set(withTooNew(Map.of("agent-fast", 260L, "agent-b", 1L)));

        assertThat(metrics.scrape())
                .contains("statspipe_events_too_new_total{producer=\"agent-fast\"} 260.0")
                .contains("statspipe_events_too_new_total{producer=\"agent-b\"} 1.0");
    }
}
