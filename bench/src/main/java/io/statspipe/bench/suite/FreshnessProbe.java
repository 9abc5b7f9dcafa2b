package io.statspipe.bench.suite;

import io.statspipe.adapter.ingest.StatsdLineParser;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a marker event (a counter of a series of its own) at a steady rate through the agent,
 * and polls KairosDB for the markers' buckets at one resolution (grouped by marker); a marker is
 * fresh once its bucket counts it.
 */
final class FreshnessProbe {
    /**
     * Freshness samples: seconds from a marker sent to its bucket queryable, and when each was sent
     * (seconds after the first marker; the same order).
     */
    record Samples(double[] seconds, double[] sentAfter, Duration probeEvery, int unseen) {
        /** How many of the slowest markers the description names with when they were sent. */
        private static final int SLOWEST_NAMED = 5;

        double p50() {
            return quantile(0.50);
        }

        double p99() {
            return quantile(0.99);
        }

        double quantile(double q) {
            double[] sorted = seconds.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        }

        String describe() {
            return String.format(Locale.ROOT, "%d markers, one every %d ms through the same agent path during the run; "
                    + "max %.1f s; KairosDB polled every 500 ms; the slowest (s, sent at s into the run): %s%s",
                    seconds.length, probeEvery.toMillis(), quantile(1.0), slowest(),
                    unseen == 0 ? "" : "; " + unseen + " markers never became queryable: counted with their age when "
                            + "the run ended (a lower bound)");
        }

        private String slowest() {
            Integer[] order = new Integer[seconds.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(seconds[b], seconds[a]));
            StringBuilder named = new StringBuilder();
            for (int i = 0; i < Math.min(SLOWEST_NAMED, order.length); i++) {
                named.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f at %.1f", seconds[order[i]],
                        sentAfter[order[i]]));
            }
            return named.toString();
        }
    }

    private final StoreAndForwardAgent agent;
    private final KairosAggregateStore reader;
    private final String metric;
    private final Duration every;
    private final long from;
    private final Resolution resolution;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean sending = true;
    private volatile boolean polling = true;
    private Thread sender;
    private Thread poller;

    FreshnessProbe(StoreAndForwardAgent agent, KairosAggregateStore reader, String metric, Duration every, long from,
                   Resolution resolution) {
        this.agent = agent;
        this.reader = reader;
        this.metric = metric;
        this.every = every;
        this.from = from;
        this.resolution = resolution;
    }

    void start() {
        sender = new Thread(this::sendMarkers, "bench-probe-sender");
        poller = new Thread(this::poll, "bench-probe-poller");
        sender.setDaemon(true);
        poller.setDaemon(true);
        sender.start();
        poller.start();
    }

    long sent() {
        return sent.get();
    }

    /** Stops both threads, whatever state the run is in. */
    void stop() throws InterruptedException {
        sending = false;
        polling = false;
        sender.interrupt();
        poller.interrupt();
        sender.join();
        poller.join();
    }

    void stopSending() throws InterruptedException {
        sending = false;
        sender.join();
    }

    /**
     * Waits up to {@code within} for every marker; a marker still not queryable then counts with
     * its age at that moment (a lower bound), and the figure's note says how many did.
     */
    Samples awaitAll(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (seenAt.size() < sentAt.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        polling = false;
        poller.join();
        if (sentAt.isEmpty()) {
            throw new IllegalStateException("no freshness marker was sent");
        }
        long now = System.currentTimeMillis();
        long first = sentAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        double[] seconds = new double[sentAt.size()];
        double[] sentAfter = new double[sentAt.size()];
        int i = 0;
        int unseen = 0;
        for (Map.Entry<String, Long> marker : sentAt.entrySet()) {
            Long seen = seenAt.get(marker.getKey());
            if (seen == null) {
                unseen++;
            }
            sentAfter[i] = (marker.getValue() - first) / 1e3;
            seconds[i++] = ((seen == null ? now : seen) - marker.getValue()) / 1e3;
        }
        return new Samples(seconds, sentAfter, every, unseen);
    }

    private void sendMarkers() {
        StatsdLineParser parser = new StatsdLineParser();
        int n = 0;
        while (sending) {
            String id = "m" + n++;
            byte[] line = (metric + ":1|c|#probe:" + id).getBytes(StandardCharsets.US_ASCII);
            List<Event> events = new ArrayList<>(1);
            long now = System.currentTimeMillis();
            parser.parse(line, 0, line.length, now, events, FreshnessProbe::refuse);
            sentAt.put(id, now);
            agent.offer(events);
            sent.incrementAndGet();
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll() {
        while (polling) {
            try {
                StatsQuery query = StatsQuery.of(metric, Kind.COUNTER, new TimeRange(from, System.currentTimeMillis() + 120_000),
                        resolution, Aggregation.COUNT).groupedBy("probe");
                List<SeriesResult> results = reader.query(query);
                long now = System.currentTimeMillis();
                for (SeriesResult r : results) {
                    String id = r.group().asMap().get("probe");
                    if (id != null && count(r) >= 1) {
                        seenAt.putIfAbsent(id, now);
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("freshness poll failed (retrying): " + e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long count(SeriesResult result) {
        long sum = 0;
        for (Point p : result.points()) {
            sum += Math.round(p.value());
        }
        return sum;
    }

    private static void refuse(byte[] data, int offset, int length, String reason) {
        throw new IllegalStateException("a marker line was refused: " + reason + ": "
                + new String(data, offset, length, StandardCharsets.US_ASCII));
    }
}
