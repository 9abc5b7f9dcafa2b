package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.KafkaDeadLetters;
import io.statspipe.adapter.kafka.KafkaTopics;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.ContentRefusedException;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.ports.out.WritePartialsPort;
import io.statspipe.ports.service.QueryStatsService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KairosDB store refuses the content of one series' minute partials (the real store, wrapped
 * to refuse them as KairosDB refuses a request with a 400) beside good partials in the same
 * flushes. The first topology's flushes are never confirmed durable, so it stops with every
 * flush recorded and not completed; the second topology replays them. The good partials are
 * exact, the refused ones are in the dead-letter topic with their identity and the store's
 * reason, and the replay set aside the same partials again: nothing is stuck.
 */
class RefusedPartialTest {
    static final int PARTITIONS = 2;
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);
    static final String REFUSED = "refused.hits";
    /** Whether flushes may complete: off for the first topology, so that the second replays its flushes. */
    static volatile boolean readBackAllowed;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();

    /** The KairosDB store, refusing every write that holds a minute partial of {@link #REFUSED}. */
    static final class RefusingStore implements WritePartialsPort {
        private final KairosAggregateStore store;

        RefusingStore(String url) {
            this.store = new KairosAggregateStore(KairosStoreConfig.of(url));
        }

        @Override
        public void write(List<Partial> partials) {
            for (Partial p : partials) {
                if (p.id().series().metric().equals(REFUSED) && p.id().resolution().equals(Resolution.MINUTE)) {
                    throw new ContentRefusedException("KairosDB refused " + partials.size()
                            + " points: 400 {\"errors\":[\"refused.hits is not accepted here\"]}", "", null);
                }
            }
            store.write(partials);
        }
    }

    static TopologyPlugs plugs(String url) {
        return new TopologyPlugs(RuleSet::defaults, ProtobufEventBatchFormat::new, () -> new RefusingStore(url), () -> {
            DurabilityCheck readBack = KairosTopologyPlugs.readBackAt(url);
            return partials -> readBackAllowed ? readBack.unconfirmed(partials) : partials;
        }, KafkaDeadLetters::new, KafkaTopics::ensureCompacted);
    }

    @Test
    void refusedPartialsGoToTheDeadLettersTheRestIsExactAndAReplayDoesTheSame() throws Exception {
        TopicLayout.of(PARTITIONS, 1).ensureExists(KAFKA.bootstrapServers());
        TopologySettings settings = TopologySettings.defaults(KAFKA.bootstrapServers()).withName("refusal")
                .withFlushInterval(Duration.ofSeconds(2)).withCoarseFlushInterval(Duration.ofSeconds(4));
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            series.add(Series.of("good.hits", "series", "s" + i));
        }
        Series refused = Series.of(REFUSED, "series", "r");
        long now = System.currentTimeMillis();
        Random random = new Random(5);
        Map<String, Long> expected;
        readBackAllowed = false;
        try (TestEvents events = new TestEvents(KAFKA.bootstrapServers(), TopicLayout.EVENTS, PARTITIONS, "agent-refusal")) {
            try (LocalTopologyRunner first = LocalTopologyRunner.start(settings, plugs(KAIROS.httpUrl()), dir.resolve("storm1"))) {
                for (int round = 0; round < 5; round++) {
                    List<Event> batch = new ArrayList<>();
                    for (int e = 0; e < 500; e++) {
                        batch.add(Event.counter(series.get(random.nextInt(series.size())), now + round * 1_000L, 1));
                    }
                    batch.add(Event.counter(refused, now + round * 1_000L, 3));
                    events.send(batch, RESOLUTIONS);
                }
                events.flush();
                await("the first topology set aside a refused partial").atMost(Duration.ofMinutes(2))
                        .until(() -> first.health().partialsRefused() > 0);
                assertThat(first.health().flushes()).as("no flush completes while durability is never confirmed").isZero();
                System.out.println("stopping the first topology with its flushes recorded and not completed");
            }
            expected = events.expected();
        }

        readBackAllowed = true;
        try (LocalTopologyRunner second = LocalTopologyRunner.start(settings, plugs(KAIROS.httpUrl()), dir.resolve("storm2"));
             KairosAggregateStore store = new KairosAggregateStore(KairosStoreConfig.of(KAIROS.httpUrl()))) {
            QueryStatsService queries = new QueryStatsService(store, 1_000_000);
            TimeRange range = new TimeRange(now - 7_200_000L, now + 7_200_000L);
            Map<String, Long> wanted = new HashMap<>(expected);
            wanted.keySet().removeIf(k -> k.startsWith(refused + "@" + Resolution.MINUTE.name()));
            await("every good bucket exact").atMost(Duration.ofMinutes(3)).ignoreExceptions()
                    .until(() -> stored(queries, range).equals(wanted));
            assertThat(stored(queries, range)).isEqualTo(wanted);
            assertThat(second.health().recoveries()).as("the second topology replayed recorded flushes").isPositive();

            List<String> minuteBuckets = expected.keySet().stream()
                    .filter(k -> k.startsWith(refused + "@" + Resolution.MINUTE.name())).toList();
            List<DeadPartial> dead = new ArrayList<>();
            await("the refused partials in the dead-letter topic").atMost(Duration.ofMinutes(1)).until(() -> {
                dead.clear();
                dead.addAll(deadPartials());
                return dead.size() >= minuteBuckets.size();
            });
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.partial()).startsWith("refused.hits{series=r} counter 1m bucket ");
                assertThat(d.reason()).isEqualTo("store refused the partial: KairosDB refused 1 points: 400 "
                        + "{\"errors\":[\"refused.hits is not accepted here\"]}");
            });
            assertThat(dead).extracting(DeadPartial::bucket).containsAll(minuteBuckets.stream()
                    .map(k -> java.time.Instant.ofEpochMilli(Long.parseLong(k.substring(k.lastIndexOf('@') + 1))).toString())
                    .toList());
        }
    }

    record DeadPartial(String partial, String reason) {
        String bucket() {
            int at = partial.indexOf(" bucket ") + " bucket ".length();
            return partial.substring(at, partial.indexOf(' ', at));
        }
    }

    static List<DeadPartial> deadPartials() {
        return DeadLetterTopic.readAll(KAFKA.bootstrapServers()).stream().filter(d -> d.partial().isPresent())
                .map(d -> new DeadPartial(d.partial().get(), d.reason())).toList();
    }

    static Map<String, Long> stored(QueryStatsService queries, TimeRange range) {
        Map<String, Long> stored = new HashMap<>();
        for (String metric : List.of("good.hits", REFUSED)) {
            for (Resolution resolution : RESOLUTIONS) {
                StatsQuery query = StatsQuery.of(metric, Kind.COUNTER, range, resolution, Aggregation.COUNT).groupedBy("series");
                for (SeriesResult result : queries.query(query)) {
                    Series s = new Series(metric, result.group());
                    for (Point p : result.points()) {
                        stored.put(TestEvents.key(s, resolution, p.bucketStart()), (long) p.value());
                    }
                }
            }
        }
        return stored;
    }
}
