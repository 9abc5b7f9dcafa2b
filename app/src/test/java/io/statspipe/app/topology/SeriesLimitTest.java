package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant sends more distinct series than its limit while the topology's JVM is killed with
 * SIGKILL four times, each at a random moment after it took its partitions over. The limit
 * admits series per window afresh, so a series may be counted in one window and refused in the
 * next; what must hold is that every event is either counted or dead-lettered with reason
 * {@code series limit}, exactly once, in every minute and hour bucket: a replay that admitted
 * other series than the first pass would leave the first pass's partials beside its own and
 * count an event twice, or lose one.
 */
class SeriesLimitTest {
    static final int PARTITIONS = 3;
    static final int SERIES = 150;
    /** 20 series of the tenant per partition and window, of the 50 each partition sees. */
    static final int LIMIT = 60;
    static final int SENDS = 200;
    static final int EVENTS_PER_SEND = 300;
    static final int KILLS = 4;
    static final String METRIC = "limited.hits";
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);

    @TempDir
    static Path dir;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();

    @Test
    void everyEventIsCountedOrRefusedByTheLimitExactlyOnceAcrossKills() throws Exception {
        long seed = Long.getLong("statspipe.faults.seed", System.nanoTime());
        System.out.println("series limit under kill -9, seed: " + seed + "  (replay: -Dstatspipe.faults.seed=" + seed + ")");
        Random random = new Random(seed);
        Topics.ensure(KAFKA.bootstrapServers(), PARTITIONS);
        long now = System.currentTimeMillis();
        Map<String, Long> sent = new HashMap<>();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            Random r = new Random(seed + 1);
            try (TestEvents events = new TestEvents(KAFKA.bootstrapServers(), TopicLayout.EVENTS, PARTITIONS, "agent-limits")) {
                for (int s = 0; s < SENDS; s++) {
                    List<Event> batch = new ArrayList<>(EVENTS_PER_SEND);
                    for (int e = 0; e < EVENTS_PER_SEND; e++) {
                        // Every event its own millisecond, so that each dead letter is one event.
                        long ts = now + s * 1_000L + e;
                        String name = "s" + r.nextInt(SERIES);
                        batch.add(Event.counter(Series.of(METRIC, "tenant", "acme", "series", name), ts, 1));
                        synchronized (sent) {
                            for (Resolution resolution : RESOLUTIONS) {
                                sent.merge(key(name, resolution, resolution.bucketOf(ts).start()), 1L, Long::sum);
                            }
                        }
                    }
                    events.send(batch, RESOLUTIONS);
                    if (s % 10 == 9) {
                        events.flush();
                    }
                    Thread.sleep(150);
                }
                events.flush();
            } catch (Throwable t) {
                producerFailure.set(t);
            }
        }, "limit-producer");
        producer.start();

        // The child JVMs' logs stay in target/ for reading after a failure; a replayed seed gets a folder of its own.
        Path work = Path.of("target", "series-limit", seed + "-" + System.currentTimeMillis()).toAbsolutePath();
        ChildTopology child = ChildTopology.start(KAFKA.bootstrapServers(), KAIROS.httpUrl(), work.resolve("run0"), 2, LIMIT);
        try {
            for (int kill = 1; kill <= KILLS; kill++) {
                assertThat(child.awaitLog("taken over", Duration.ofSeconds(60))).as("the topology counts; log %s", child.log())
                        .isTrue();
                // Within two windows of its takeover: once flushes complete, mid-commit and mid-window.
                Thread.sleep(3_000 + random.nextInt(9_000));
                System.out.println("kill -9 " + child.pid() + " (" + kill + " of " + KILLS + ")");
                child.killHard();
                child = ChildTopology.start(KAFKA.bootstrapServers(), KAIROS.httpUrl(), work.resolve("run" + kill), 2, LIMIT);
            }
            producer.join();
            assertThat(producerFailure.get()).isNull();
            long reread = reread(work);
            System.out.println("offsets re-read by the restarted topologies: " + reread);

            try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(KAIROS.httpUrl()))) {
                QueryStatsService queries = new QueryStatsService(store, 1_000_000);
                TimeRange range = new TimeRange(now - 7_200_000L, now + 7_200_000L);
                AtomicReference<Map<String, Long>> stored = new AtomicReference<>(Map.of());
                AtomicReference<Map<String, Long>> refused = new AtomicReference<>(Map.of());
                try {
                    await("every event counted or refused by the limit").atMost(Duration.ofMinutes(3))
                            .pollInterval(Duration.ofSeconds(2)).ignoreExceptions().until(() -> {
                                stored.set(stored(queries, range));
                                refused.set(refusedByLimit());
                                return sum(stored.get(), refused.get()).equals(sent);
                            });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    Map<String, Long> total = sum(stored.get(), refused.get());
                    List<String> differ = sent.keySet().stream().filter(k -> !sent.get(k).equals(total.get(k))).sorted()
                            .limit(12).map(k -> k + ": sent " + sent.get(k) + ", stored " + stored.get().get(k)
                                    + ", refused " + refused.get().get(k)).toList();
                    throw new AssertionError("not every event counted or refused once, seed " + seed + "; first of "
                            + sent.keySet().stream().filter(k -> !sent.get(k).equals(total.get(k))).count()
                            + " differing buckets: " + differ + "; dead-letter reasons: " + reasons()
                            + "; topology log " + child.log(), e);
                }
                long counted = stored.get().entrySet().stream().filter(e -> e.getKey().contains("@" + Resolution.MINUTE.name() + "@"))
                        .mapToLong(Map.Entry::getValue).sum();
                long limited = refused.get().entrySet().stream().filter(e -> e.getKey().contains("@" + Resolution.MINUTE.name() + "@"))
                        .mapToLong(Map.Entry::getValue).sum();
                System.out.println("of " + SENDS * EVENTS_PER_SEND + " events, " + counted + " counted and " + limited
                        + " refused by the series limit");
                assertThat(counted).as("events counted").isPositive();
                assertThat(reread).as("the kills landed on counted state, which the restarts re-read").isPositive();
                assertThat(limited).as("events refused by the limit").isPositive();
            }
        } finally {
            child.close();
        }
    }

    /** Offsets the restarted topologies re-read to take their partitions over, from their logs. */
    static long reread(Path work) throws java.io.IOException {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("re-read (\\d+) offsets");
        long total = 0;
        for (int run = 1; run <= KILLS; run++) {
            java.util.regex.Matcher m = line.matcher(java.nio.file.Files.readString(work.resolve("run" + run).resolve("topology.log")));
            while (m.find()) {
                total += Long.parseLong(m.group(1));
            }
        }
        return total;
    }

    /** The distinct starts of the dead letters' reasons, for a failure's message. */
    static Set<String> reasons() {
        Set<String> reasons = new java.util.TreeSet<>();
        DeadLetterTopic.readAll(KAFKA.bootstrapServers())
                .forEach(l -> reasons.add(l.reason().substring(0, Math.min(60, l.reason().length()))));
        return reasons;
    }

    static String key(String series, Resolution resolution, long bucketStart) {
        return series + "@" + resolution.name() + "@" + bucketStart;
    }

    static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> total = new HashMap<>(a);
        b.forEach((k, v) -> total.merge(k, v, Long::sum));
        return total;
    }

    /** What the store holds for every series and bucket. */
    static Map<String, Long> stored(QueryStatsService queries, TimeRange range) {
        Map<String, Long> stored = new HashMap<>();
        for (Resolution resolution : RESOLUTIONS) {
            StatsQuery query = StatsQuery.of(METRIC, Kind.COUNTER, range, resolution, Aggregation.COUNT).groupedBy("series");
            for (SeriesResult result : queries.query(query)) {
                String name = result.group().value("series").orElseThrow();
                for (Point p : result.points()) {
                    stored.put(key(name, resolution, p.bucketStart()), (long) p.value());
                }
            }
        }
        return stored;
    }

    /**
     * The events dead-lettered by the series limit, per series and bucket, each once: a replayed
     * flush sends its dead letters again, under the same key and with the same content.
     */
    static Map<String, Long> refusedByLimit() {
        ProtobufEventBatchFormat format = new ProtobufEventBatchFormat();
        Set<String> seen = new HashSet<>();
        Map<String, Long> refused = new HashMap<>();
        for (DeadLetterTopic.Letter letter : DeadLetterTopic.readAll(KAFKA.bootstrapServers())) {
            assertThat(letter.reason()).as("every dead letter is the limit's").startsWith("series limit: ");
            if (!seen.add(letter.key() + " " + Base64.getEncoder().encodeToString(letter.payload()))) {
                continue;
            }
            for (Event e : format.decode(letter.payload()).events()) {
                String name = e.series().tags().value("series").orElseThrow();
                for (Resolution resolution : RESOLUTIONS) {
                    refused.merge(key(name, resolution, resolution.bucketOf(e.timestamp()).start()), e.increment(), Long::sum);
                }
            }
        }
        return refused;
    }
}
