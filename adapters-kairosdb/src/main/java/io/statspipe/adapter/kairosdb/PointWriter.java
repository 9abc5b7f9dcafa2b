package io.statspipe.adapter.kairosdb;

import io.statspipe.ports.out.EngineUnavailableException;
import java.util.List;
import java.util.Objects;
import org.kairosdb.client.HttpClient;
import org.kairosdb.client.builder.Metric;
import org.kairosdb.client.builder.MetricBuilder;
import org.kairosdb.client.response.UnexpectedResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends data points to KairosDB in batches of {@code pointsPerRequest}, gzipped, each retried with
 * exponential backoff. A batch that still fails makes the whole write fail: nothing is dropped,
 * the caller keeps the partials and rewrites them (batches already sent are rewritten with the
 * same values, which changes nothing).
 */
final class PointWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PointWriter.class);

    private final HttpClient client;
    private final KairosStoreConfig config;

    PointWriter(HttpClient client, KairosStoreConfig config) {
        this.client = client;
        this.config = config;
    }

    void write(List<DataPointRow> points) {
        int batchSize = config.pointsPerRequest();
        for (int from = 0; from < points.size(); from += batchSize) {
            List<DataPointRow> batch = points.subList(from, Math.min(points.size(), from + batchSize));
            send(batch, from, points.size());
        }
    }

    private void send(List<DataPointRow> batch, int sentBefore, int total) {
        MetricBuilder request = toRequest(batch);
        long backoff = config.firstBackoff().toMillis();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= config.attempts(); attempt++) {
            try {
                client.pushMetrics(request);
                if (attempt > 1) {
                    LOG.info("KairosDB at {} took a batch of {} points on try {}", config.url(), batch.size(), attempt);
                }
                return;
            } catch (UnexpectedResponseException e) {
                if (e.getStatusCode() == 400) {
                    // KairosDB refused the content itself: trying again cannot help.
                    throw new EngineUnavailableException("KairosDB at " + config.url() + " refused a batch of "
                            + batch.size() + " points: " + e.getStatusMessage() + " " + e, e);
                }
                last = e;
            } catch (RuntimeException e) {
                last = e;
            }
            LOG.debug("write to KairosDB at {} failed on try {}: {}", config.url(), attempt, last.toString());
            if (attempt < config.attempts()) {
                sleep(backoff);
                backoff *= 2;
            }
        }
        LOG.warn("KairosDB at {} is unavailable: {} of {} points not written after {} tries", config.url(),
                total - sentBefore, total, config.attempts());
        throw new EngineUnavailableException("KairosDB at " + config.url() + " did not take " + (total - sentBefore)
                + " of " + total + " points after " + config.attempts() + " tries: " + describe(last), last);
    }

    private MetricBuilder toRequest(List<DataPointRow> batch) {
        MetricBuilder builder = MetricBuilder.getInstance();
        builder.setCompression(config.gzip());
        Metric current = null;
        DataPointRow previous = null;
        for (DataPointRow point : batch) {
            // Consecutive points of one series and TTL share one metric entry of the request.
            if (previous == null || !previous.metric().equals(point.metric()) || !previous.tags().equals(point.tags())
                    || previous.ttlSeconds() != point.ttlSeconds()) {
                current = builder.addMetric(point.metric()).addTags(point.tags()).addTtl(point.ttlSeconds());
            }
            Objects.requireNonNull(current);
            if (point.value() instanceof Long l) {
                current.addDataPoint(point.timestamp(), l.longValue());
            } else {
                current.addDataPoint(point.timestamp(), point.value().doubleValue());
            }
            previous = point;
        }
        return builder;
    }

    private static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(String.valueOf(t));
        for (Throwable c = t == null ? null : t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            s.append(" <- ").append(c);
        }
        return s.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted while waiting to retry a KairosDB write", e);
        }
    }
}
