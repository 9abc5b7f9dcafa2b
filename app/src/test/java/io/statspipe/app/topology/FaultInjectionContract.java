package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.service.QueryStatsService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fault-injection scenario, run against a KairosDB over some datastore: while a million
 * events of a thousand series flow into {@code stats.events}, the topology's JVM is killed with
 * SIGKILL at random moments and restarted; some agent batches are sent twice and some events
 * arrive later than the allowed lateness. At the end every bucket's count and sum, read through
 * the query port, equals what was produced. The seed of the random kills is printed.
 */
final class FaultInjectionContract {
    static final int PARTITIONS = 6;
    static final int SERIES = 1_000;
    static final int EVENTS = 1_000_000;
    static final int EVENTS_PER_SEND = 2_500;
    static final int KILLS = 5;
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);

    private FaultInjectionContract() {
    }

    static void run(LocalKafkaBroker broker, String kairosUrl, Path dir, String variant) throws Exception {
        long seed = Long.getLong("statspipe.faults.seed", System.nanoTime());
        System.out.println("fault injection (" + variant + ") seed: " + seed + "  (replay: -Dstatspipe.faults.seed=" + seed + ")");
        Random random = new Random(seed);
        Topics.ensure(broker.bootstrapServers(), PARTITIONS);
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            series.add(Series.of("fault.events", "series", "s" + i));
        }
        long now = System.currentTimeMillis();
        AtomicReference<Map<String, Long>> expected = new AtomicReference<>();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            Random r = new Random(seed + 1);
            try (TestEvents events = new TestEvents(broker.bootstrapServers(), TopicLayout.EVENTS, PARTITIONS, "agent-" + variant)) {
                int sends = EVENTS / EVENTS_PER_SEND;
                for (int s = 0; s < sends; s++) {
                    long base = now + s * 100L;
                    List<Event> batch = new ArrayList<>(EVENTS_PER_SEND);
                    for (int e = 0; e < EVENTS_PER_SEND; e++) {
                        // one send in 10 carries events three minutes late (allowed lateness: 10 s)
                        long ts = s % 10 == 9 && e % 5 == 0 ? base - 180_000 : base - r.nextInt(5_000);
                        batch.add(Event.counter(series.get(r.nextInt(SERIES)), ts, 1 + r.nextInt(3)));
                    }
                    events.send(batch, RESOLUTIONS);
                    if (s % 40 == 39) {
                        events.resend(r.nextInt(events.sentRecords())); // the agent sends a batch twice
                    }
                    if (s % 20 == 19) {
                        events.flush();
                    }
                    Thread.sleep(150); // about a minute of traffic, so the kills land while it flows
                }
                events.flush();
                expected.set(events.expected());
            } catch (Throwable t) {
                producerFailure.set(t);
            }
        }, "fault-producer");
        producer.start();

        // The child JVMs' logs stay in target/ for reading after a failure.
        Path work = Path.of("target", "fault-injection", variant + "-" + seed).toAbsolutePath();
        ChildTopology child = ChildTopology.start(broker.bootstrapServers(), kairosUrl, work.resolve("run0"), 5);
        try {
            for (int kill = 1; kill <= KILLS; kill++) {
                // Kill while it works: once it counts, at a random moment within two flush intervals.
                child.awaitLog("taken over", Duration.ofSeconds(60));
                Thread.sleep(1_000 + random.nextInt(10_000));
                System.out.println("kill -9 " + child.pid() + " (" + kill + " of " + KILLS + ")");
                child.killHard();
                child = ChildTopology.start(broker.bootstrapServers(), kairosUrl, work.resolve("run" + kill), 5);
            }
            producer.join();
            assertThat(producerFailure.get()).isNull();

            Map<String, Long> want = expected.get();
            long total = want.entrySet().stream().filter(e -> e.getKey().contains("@1h@")).mapToLong(Map.Entry::getValue).sum();
            System.out.println("produced " + EVENTS + " events adding " + total + " counts over " + want.size() + " buckets");
            try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(kairosUrl))) {
                QueryStatsService queries = new QueryStatsService(store, 1_000_000);
                TimeRange range = new TimeRange(now - 3_600_000L * 2, now + 3_600_000L * 2);
                Map<String, Long> counts = Map.of();
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (System.nanoTime() < deadline) {
                    try {
                        counts = stored(queries, range, Aggregation.COUNT);
                    } catch (RuntimeException e) {
                        System.out.println("query failed, retrying: " + e);
                    }
                    if (counts.equals(want)) {
                        break;
                    }
                    Thread.sleep(2_000);
                }
                assertThat(counts).as("every bucket's count, seed %d; topology log %s", seed, child.log()).isEqualTo(want);
                assertThat(stored(queries, range, Aggregation.SUM)).as("every bucket's sum, seed %d", seed).isEqualTo(want);
            }
            System.out.println("topology log tail: " + tail(child.log()));
            System.out.println("flushes begun but not completed at a kill, rewritten on restart: " + rewrites(work));
        } finally {
            child.close();
        }
    }

    static Map<String, Long> stored(QueryStatsService queries, TimeRange range, Aggregation aggregation) {
        Map<String, Long> stored = new HashMap<>();
        for (Resolution resolution : RESOLUTIONS) {
            StatsQuery query = StatsQuery.of("fault.events", Kind.COUNTER, range, resolution, aggregation).groupedBy("series");
            for (SeriesResult result : queries.query(query)) {
                Series s = new Series("fault.events", result.group());
                for (Point p : result.points()) {
                    stored.put(TestEvents.key(s, resolution, p.bucketStart()), (long) p.value());
                }
            }
        }
        return stored;
    }

    private static long rewrites(Path work) throws java.io.IOException {
        long rewrites = 0;
        for (int run = 0; run <= KILLS; run++) {
            Path log = work.resolve("run" + run).resolve("topology.log");
            if (Files.exists(log)) {
                rewrites += Files.readAllLines(log).stream().filter(l -> l.contains("rewriting the same partials")).count();
            }
        }
        return rewrites;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (Exception e) {
            return e.toString();
        }
    }
}
