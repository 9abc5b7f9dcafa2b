package io.statspipe.adapter.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** statspipe's own health as Prometheus metrics, read from the live {@link PipelineStatus}. */
public final class PipelineMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Held here: Micrometer keeps only weak references to what its meters read. */
    private final Supplier<PipelineStatus> status;

    public PipelineMetrics(Supplier<PipelineStatus> status) {
        this.status = status;
        counter("statspipe.ingest.events", "events accepted and spooled by the agent", status, PipelineStatus::ingestedEvents);
        counter("statspipe.ingest.refused", "ingest lines refused as malformed", status, PipelineStatus::refusedLines);
        counter("statspipe.ingest.ignored", "DogStatsD events and service checks received and ignored", status,
                PipelineStatus::ignoredLines);
        gauge("statspipe.spool.records", "spooled records not yet in Kafka", status, PipelineStatus::spoolRecords);
        gauge("statspipe.spool.bytes", "bytes of spooled records on disk", status, PipelineStatus::spoolBytes);
        gauge("statspipe.consumer.lag", "records of stats.events not yet counted into a completed flush", status,
                PipelineStatus::totalLag);
        counter("statspipe.flushes", "flushes completed", status, PipelineStatus::flushes);
        gauge("statspipe.flush.last.millis", "duration of the latest flush", status, PipelineStatus::lastFlushMillis);
        gauge("statspipe.flush.max.millis", "longest flush since start", status, PipelineStatus::maxFlushMillis);
        counter("statspipe.events.counted", "events counted into completed flushes", status, PipelineStatus::eventsCounted);
        counter("statspipe.events.late", "events that arrived after their bucket's allowed lateness", status,
                PipelineStatus::lateEvents);
        counter("statspipe.deadletters", "records and events sent to the dead-letter topic", status, PipelineStatus::deadLetters);
        counter("statspipe.store.failures", "failed store attempts (retried)", status, PipelineStatus::storeFailures);
        counter("statspipe.store.refused.partials", "partials the store refused, sent to the dead-letter topic instead",
                status, PipelineStatus::partialsRefused);
        counter("statspipe.store.readback.rewrites", "flushes whose points the read-back did not find in the store in"
                + " time (acknowledged, then lost or slow), written again", status, PipelineStatus::readBackRewrites);
    }

    /** Rows of {@code statspipe.series.active}, one per tenant, renewed on every scrape. */
    private MultiGauge activeSeries;
    /** Producers with a {@code statspipe.events.too.new} counter (the health figures name at most 100 and then "other"). */
    private final Set<String> tooNewProducers = new HashSet<>();

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition format. */
    public String scrape() {
        if (activeSeries == null) {
            activeSeries = MultiGauge.builder("statspipe.series.active")
                    .description("distinct series counted per tenant in the current window (or the last whole one)")
                    .register(registry);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        status.get().activeSeriesByTenant().forEach((tenant, n) -> rows.add(MultiGauge.Row.of(Tags.of("tenant", tenant), n)));
        activeSeries.register(rows, true);
        for (String producer : status.get().tooNewByProducer().keySet()) {
            if (tooNewProducers.add(producer)) {
                FunctionCounter.builder("statspipe.events.too.new", status,
                                s -> s.get().tooNewByProducer().getOrDefault(producer, 0L))
                        .description("events refused as TOO_NEW (ahead of the broker's time by more than the allowed"
                                + " clock skew), by the producer whose clock runs fast")
                        .tags("producer", producer).register(registry);
            }
        }
        return registry.scrape();
    }

    private void counter(String name, String help, Supplier<PipelineStatus> status, ToDoubleFunction<PipelineStatus> f) {
        FunctionCounter.builder(name, status, s -> f.applyAsDouble(s.get())).description(help).register(registry);
    }

    private void gauge(String name, String help, Supplier<PipelineStatus> status, ToDoubleFunction<PipelineStatus> f) {
        Gauge.builder(name, status, s -> f.applyAsDouble(s.get())).description(help).register(registry);
    }
}
