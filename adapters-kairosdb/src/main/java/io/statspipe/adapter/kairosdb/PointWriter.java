package io.statspipe.adapter.kairosdb;

import io.statspipe.ports.out.ContentRefusedException;
import io.statspipe.ports.out.EngineUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.kairosdb.client.HttpClient;
import org.kairosdb.client.builder.Metric;
import org.kairosdb.client.builder.MetricBuilder;
import org.kairosdb.client.response.UnexpectedResponseException;

/**
 * Sends data points to KairosDB in batches of {@code pointsPerRequest}, gzipped, up to
 * {@code requestsInFlight} requests at once over reused connections, each retried by
 * {@link KairosRetries}; a batch KairosDB refuses (400) is not retried and fails the write with
 * {@link ContentRefusedException} (another 4xx, with an {@link IllegalStateException} naming it). A batch that still fails makes the whole write fail, once every other
 * request of the write has been answered: nothing is dropped, the caller keeps the partials and
 * rewrites them (batches already sent are rewritten with the same values, which changes nothing).
 */
final class PointWriter implements AutoCloseable {
    /** A refused request's JSON is kept for the dead letter when it has at most this many points. */
    private static final int CONTENT_KEPT_UP_TO = 16;

    private final HttpClient client;
    private final KairosStoreConfig config;
    private final KairosRetries retries;
    private final ExecutorService requests;

    PointWriter(HttpClient client, KairosStoreConfig config, KairosRetries retries) {
        this.client = client;
        this.config = config;
        this.retries = retries;
        AtomicInteger threads = new AtomicInteger();
        this.requests = Executors.newFixedThreadPool(config.requestsInFlight(), r -> {
            Thread t = new Thread(r, "kairosdb-write-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void write(List<DataPointRow> points) {
        int batchSize = config.pointsPerRequest();
        if (points.size() <= batchSize) {
            send(points, 0, points.size());
            return;
        }
        List<Future<?>> sent = new ArrayList<>();
        for (int from = 0; from < points.size(); from += batchSize) {
            List<DataPointRow> batch = points.subList(from, Math.min(points.size(), from + batchSize));
            int before = from;
            sent.add(requests.submit(() -> send(batch, before, points.size())));
        }
        RuntimeException failure = null;
        for (Future<?> request : sent) {
            try {
                request.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                        : new EngineUnavailableException("write to KairosDB at " + config.url() + " failed", e.getCause());
                // An unavailable store wins over a refusal: the whole write is then tried again.
                if (failure == null || failure instanceof ContentRefusedException && !(cause instanceof ContentRefusedException)) {
                    failure = cause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineUnavailableException("interrupted while writing to KairosDB at " + config.url(), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        requests.shutdownNow();
    }

    private void send(List<DataPointRow> batch, int sentBefore, int total) {
        MetricBuilder request = toRequest(batch);
        retries.call("take " + batch.size() + " points (" + (total - sentBefore) + " of " + total + " not yet written)", () -> {
            try {
                client.pushMetrics(request);
                return null;
            } catch (UnexpectedResponseException e) {
                if (e.getStatusCode() == 400) {
                    // KairosDB refused the content itself: trying again cannot help.
                    throw new ContentRefusedException("KairosDB at " + config.url() + " refused " + batch.size()
                            + " points: " + e.getMessage(), batch.size() <= CONTENT_KEPT_UP_TO ? json(request) : "", e);
                }
                throw e;
            }
        });
    }

    private static String json(MetricBuilder request) {
        try {
            return request.build();
        } catch (RuntimeException e) {
            return "";
        }
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
                current = (point.type().isPresent() ? builder.addMetric(point.metric(), point.type().get())
                        : builder.addMetric(point.metric())).addTags(point.tags()).addTtl(point.ttlSeconds());
            }
            Objects.requireNonNull(current);
            if (point.value() instanceof Long l) {
                current.addDataPoint(point.timestamp(), l.longValue());
            } else {
                current.addDataPoint(point.timestamp(), point.value());
            }
            previous = point;
        }
        return builder;
    }
}
