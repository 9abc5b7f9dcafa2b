package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosMapping;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.service.QueryStatsService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One agent whose clock is 7 hours fast beside an agent with a correct clock, into the same
 * partitions of {@code stats.events}, through a real KRaft broker, LocalCluster and KairosDB (H2).
 * The fast agent's records carry its own CreateTime; the events topic keeps the broker's
 * LogAppendTime instead, so the clock-skew guard measures events against the broker's clock: the
 * fast agent cannot push the watermark 7 hours ahead (which would make every other agent's events
 * TOO_OLD), its own events are dead-lettered naming the skew, and the health figures name it.
 */
class FastClockTest {
    static final int PARTITIONS = 4;
    static final long HOUR = 3_600_000L;

    @RegisterExtension
    static final LocalEngines ENGINES = new LocalEngines(PARTITIONS, s -> s.withName("fast-clock")
            .withFlushInterval(Duration.ofSeconds(1)).withCoarseFlushInterval(Duration.ofSeconds(3)),
            TopologyEndToEndTest::rules);

    @Test
    void anAgentSevenHoursFastIsRefusedWhileEveryBucketOfTheCorrectAgentIsExact() throws Exception {
        String kafka = ENGINES.broker().bootstrapServers();
        String topic = ENGINES.settings().eventsTopic();
        long now = System.currentTimeMillis();
        Random random = new Random(11);
        List<Series> series = new ArrayList<>();
        for (int site = 0; site < 4; site++) {
            for (int page = 0; page < 5; page++) {
                series.add(Series.of("page.views", "site", "s" + site, "page", "p" + page));
            }
        }
        // The fast agent's clock reads 7 h 30 s ahead: its events and its records' CreateTime.
        long fastClock = now + 7 * HOUR + 30_000L;
        int fastEvents = 0;
        try (TestEvents fast = new TestEvents(kafka, topic, PARTITIONS, "agent-fast")) {
            for (int b = 0; b < 10; b++) {
                List<Event> batch = new ArrayList<>();
                for (int e = 0; e < 20; e++) {
                    batch.add(Event.counter(series.get(random.nextInt(series.size())), fastClock + b * 100L, 1));
                }
                fast.sendRefused(batch, fastClock + b * 100L);
                fastEvents += batch.size();
            }
            fast.flush();
        }
        // Then the correct agent, into the same partitions: its last 20 minutes.
        long t0 = now - 20 * 60_000L;
        Map<String, Long> expected;
        try (TestEvents correct = new TestEvents(kafka, topic, PARTITIONS, "agent-correct")) {
            for (int b = 0; b < 120; b++) {
                List<Event> batch = new ArrayList<>();
                for (int e = 0; e < 30; e++) {
                    batch.add(Event.counter(series.get(random.nextInt(series.size())),
                            t0 + b * 10_000L + random.nextInt(10_000), 1 + random.nextInt(3)));
                }
                correct.send(batch, TopologyEndToEndTest.rules());
            }
            correct.flush();
            expected = correct.expected();
        }

        try (KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(ENGINES.kairos().httpUrl())
                .withMapping(KairosMapping.forRules(TopologyEndToEndTest.rules())))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            TimeRange range = new TimeRange(t0 - HOUR, now + 9 * HOUR);
            await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(TopologyEndToEndTest.stored(queries, range, Aggregation.COUNT)).isEqualTo(expected));
            assertThat(TopologyEndToEndTest.stored(queries, range, Aggregation.SUM)).isEqualTo(expected);
        }

        int refused = fastEvents;
        List<DeadLetterTopic.Letter> letters = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            letters.clear();
            letters.addAll(DeadLetterTopic.readAll(kafka));
            assertThat(letters).hasSize(refused);
        });
        assertThat(letters).allSatisfy(letter -> assertThat(letter.reason())
                .startsWith("TOO_NEW: event at ")
                .contains("is 7h0m ahead of the broker's time")
                .contains("from producer agent-fast")
                .endsWith("allowed clock skew 5m"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ENGINES.topology().health()
                .tooNewByProducer()).as("whose clock runs fast").isEqualTo(Map.of("agent-fast", (long) refused)));
    }
}
