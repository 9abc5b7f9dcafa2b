package io.statspipe.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.spool.SpoolFullException;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StoreAndForwardAgentTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private static List<Event> events(String test, int batch, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.counter(Series.of(test + ".views", "site", "s" + (i % 13), "batch", "b" + batch),
                    1_700_000_000_000L + i, i + 1));
        }
        return events;
    }

    private static AgentSettings settings(String name, Path spool) {
        return new AgentSettings(KAFKA.bootstrapServers(), new TopicLayout(name + ".events", name + ".deadletter", 4, (short) 1),
                SpoolSettings.defaults(spool), Duration.ofSeconds(1));
    }

    @Test
    void publishedEventsArriveInTheirSeriesPartitionUnderTheAgentsBatchIds() {
        AgentSettings settings = settings("roundtrip", dir.resolve("spool-roundtrip"));
        settings.topics().ensureExists(KAFKA.bootstrapServers());
        List<Event> sent = new ArrayList<>();
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings);
                EventsTopicReader reader = new EventsTopicReader(KAFKA.bootstrapServers(), settings.topics().events())) {
            for (int b = 0; b < 5; b++) {
                List<Event> batch = events("roundtrip", b, 200);
                agent.publish(batch);
                sent.addAll(batch);
            }
            reader.readUntil(got -> got.size() >= sent.size(), DEADLINE);

            assertThat(reader.deduplicated()).containsExactlyInAnyOrderElementsOf(sent);
            for (ConsumedBatch batch : reader.batches()) {
                assertThat(batch.batch().id().producer()).isEqualTo(agent.producerId());
                assertThat(batch.batch().events()).allSatisfy(e ->
                        assertThat(SeriesPartitioner.partitionOf(e.series(), 4)).isEqualTo(batch.partition()));
            }
            assertThat(reader.batches()).extracting(b -> b.batch().id().sequence()).containsOnly(0L, 1L, 2L, 3L, 4L);
            pollUntil(() -> agent.health().forwardedEvents() == sent.size());
            assertThat(agent.health().spoolDepthEvents()).isZero();
            assertThat(agent.health().oldestUnsent()).isEmpty();
        }
    }

    @Test
    void whileTheBrokerIsDownTheAgentSpoolsAndAfterwardsDeliversEveryEventOnce() {
        AgentSettings settings = settings("partition", dir.resolve("spool-partition"));
        settings.topics().ensureExists(KAFKA.bootstrapServers());
        List<Event> sent = new ArrayList<>();
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings)) {
            agent.publish(events("partition", 0, 100));
            sent.addAll(events("partition", 0, 100));
            pollUntil(() -> agent.health().forwardedEvents() == 100);

            KAFKA.engine().stop();
            for (int b = 1; b <= 20; b++) {
                List<Event> batch = events("partition", b, 100);
                agent.publish(batch); // returns: spooled on disk although Kafka is away
                sent.addAll(batch);
            }
            pollUntil(() -> agent.health().spooling());
            AgentHealth during = agent.health();
            assertThat(during.spoolDepthEvents()).isEqualTo(2000);
            assertThat(during.oldestUnsent()).isPresent();
            assertThat(during.forwardedEvents()).isEqualTo(100);

            KAFKA.engine().start();
            pollUntil(() -> agent.health().spoolDepthEvents() == 0);
            assertThat(agent.health().spooling()).isFalse();
            assertThat(agent.health().forwardedEvents()).isEqualTo(2100);
        }
        try (EventsTopicReader reader = new EventsTopicReader(KAFKA.bootstrapServers(), settings.topics().events())) {
            reader.readUntil(got -> got.size() >= sent.size(), DEADLINE).readFor(Duration.ofSeconds(1));
            assertThat(reader.deduplicated()).hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void anAgentRestartedBeforeForwardingSendsTheSpoolWithTheSameIds() {
        AgentSettings settings = new AgentSettings("127.0.0.1:1", new TopicLayout("restart.events", "restart.deadletter", 4, (short) 1),
                SpoolSettings.defaults(dir.resolve("spool-restart")), Duration.ofSeconds(1));
        List<Event> sent = new ArrayList<>();
        String producer;
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings)) { // nothing listens on port 1
            producer = agent.producerId();
            for (int b = 0; b < 3; b++) {
                agent.publish(events("restart", b, 50));
                sent.addAll(events("restart", b, 50));
            }
        }
        AgentSettings reachable = new AgentSettings(KAFKA.bootstrapServers(), settings.topics(), settings.spool(), Duration.ofSeconds(1));
        settings.topics().ensureExists(KAFKA.bootstrapServers());
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(reachable);
                EventsTopicReader reader = new EventsTopicReader(KAFKA.bootstrapServers(), settings.topics().events())) {
            assertThat(agent.producerId()).isEqualTo(producer);
            assertThat(agent.health().spoolDepthEvents()).isEqualTo(150);
            reader.readUntil(got -> got.size() >= sent.size(), DEADLINE);
            assertThat(reader.deduplicated()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(reader.batches()).allSatisfy(b -> assertThat(b.batch().id().producer()).isEqualTo(producer));
        }
    }

    @Test
    void aFullSpoolRefusesPublishCountsAndKeepsWhatItAccepted() {
        AgentSettings settings = new AgentSettings("127.0.0.1:1", new TopicLayout("full.events", "full.deadletter", 4, (short) 1),
                SpoolSettings.defaults(dir.resolve("spool-full")).withMaxBytes(16384, 8192), Duration.ofSeconds(1));
        try (StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings)) {
            long accepted = 0;
            int refusedCalls = 0;
            for (int b = 0; b < 100; b++) {
                try {
                    agent.publish(events("full", b, 10));
                    accepted += 10;
                } catch (SpoolFullException e) {
                    refusedCalls++;
                }
            }
            assertThat(refusedCalls).isPositive();
            AgentHealth health = agent.health();
            assertThat(health.refusedEvents()).isEqualTo(10L * refusedCalls);
            assertThat(health.spoolDepthEvents()).isEqualTo(accepted);
            assertThat(accepted + health.refusedEvents()).isEqualTo(1000);
            assertThatThrownBy(() -> agent.publish(events("full", 999, 10))).isInstanceOf(SpoolFullException.class)
                    .hasMessageContaining("spool full");
        }
    }

    static void pollUntil(Callable<Boolean> condition) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(condition);
    }
}
