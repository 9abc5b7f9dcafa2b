package io.statspipe.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.ingest.IngestEndpoint;
import io.statspipe.adapter.kafka.AgentHealth;
import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.domain.Event;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP ingest with an {@code Idempotency-Key}, on the agent's real HTTP edge and spool: a repeat
 * is answered as the first time and counts nothing, a key reused for another body is refused,
 * and a request the spool cannot take whole keeps nothing.
 */
class IdempotentIngestTest {
    static final long BASE = 1_700_000_000_000L;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static RunningAgent agent;
    /** An agent whose Kafka is away and whose spool is small: what it keeps stays in its spool, countable. */
    static RunningAgent small;
    static final TopicLayout topics = TopicLayout.of(2, 1);
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        topics.ensureExists(KAFKA.bootstrapServers());
        agent = RunningAgent.start(AgentSettings.of(KAFKA.bootstrapServers(), topics, SpoolSettings.defaults(dir.resolve("spool"))),
                new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
        small = RunningAgent.start(AgentSettings.of("127.0.0.1:1", topics,
                        SpoolSettings.defaults(dir.resolve("small")).withMaxBytes(2 << 20, 1 << 20)),
                new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        small.close();
        agent.close();
    }

    HttpResponse<String> post(RunningAgent to, String body, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.http().port() + IngestEndpoint.PATH))
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Counter lines of one series, one per millisecond from {@code from}, with one malformed line among them. */
    static String lines(String metric, int from, int count) {
        StringBuilder b = new StringBuilder("not a statsd line: " + metric + "\n");
        for (int i = from; i < from + count; i++) {
            b.append(metric).append(":1|c|T").append((BASE / 1000) + i).append('\n');
        }
        return b.toString();
    }

    @Test
    void aRepeatWithTheSameKeyIsAnsweredAsTheFirstTimeAndCountedOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        String batch = lines("idem.once", 0, 50);

        HttpResponse<String> first = post(agent, batch, key);
        HttpResponse<String> repeat = post(agent, batch, key);
        // a marker of the same series after them, so that its arrival means everything spooled before it arrived
        HttpResponse<String> marker = post(agent, lines("idem.once", 1000, 1), UUID.randomUUID().toString());

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains("\"accepted\":50").contains("\"refused_count\":1");
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(marker.statusCode()).isEqualTo(200);
        try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), topics.events(), topics.deadLetters())) {
            reader.readUntil(r -> r.eventsOf("idem.once").stream().anyMatch(e -> e.timestamp() == BASE + 1_000_000)
                    && r.dead.stream().filter(d -> d.input().equals("not a statsd line: idem.once")).count() >= 2,
                    Duration.ofSeconds(60));
            List<Event> arrived = reader.eventsOf("idem.once");
            assertThat(arrived).hasSize(51);
            assertThat(reader.dead.stream().filter(d -> d.input().equals("not a statsd line: idem.once"))).as("dead letters")
                    .hasSize(2); // the first request's and the marker's, none for the repeat
        }
    }

    @Test
    void aKeyUsedAgainForAnotherBodyIsRefusedWith422AndCountsNothing() throws Exception {
        String key = UUID.randomUUID().toString();
        assertThat(post(agent, lines("idem.other", 0, 5), key).statusCode()).isEqualTo(200);
        AgentHealth before = agent.agent().health();

        HttpResponse<String> other = post(agent, lines("idem.other", 5, 5), key);

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.body()).contains("Idempotency-Key " + key + " was used for another body");
        AgentHealth after = agent.agent().health();
        assertThat(after.spoolDepthEvents() + after.forwardedEvents())
                .isEqualTo(before.spoolDepthEvents() + before.forwardedEvents());
    }

    @Test
    void aRequestTheSpoolCannotTakeWholeIs503AndKeepsNothing() throws Exception {
        // 8,000 series of about 400 characters, about 3.3 MiB: the agent spools them as records of about 1 MiB,
        // of which the first fits in the 2 MiB spool, and the request as a whole does not
        String name = "idem.full." + "x".repeat(170);
        String page = "p".repeat(200);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 8_000; i++) {
            body.append(name).append(i).append(":1|c|#page:").append(page).append('\n');
        }
        String key = UUID.randomUUID().toString();

        HttpResponse<String> refused = post(small, body.toString(), key);

        assertThat(refused.statusCode()).as(refused.body().substring(0, Math.min(300, refused.body().length())))
                .isEqualTo(503);
        assertThat(refused.body()).contains("nothing of this request was kept");
        AgentHealth health = small.agent().health();
        assertThat(health.spoolDepthEvents()).isZero();
        assertThat(health.refusedEvents()).isEqualTo(8_000);
        // nothing was kept, so neither was the key: the client may send a smaller batch under it
        assertThat(post(small, lines("idem.full.smaller", 0, 10), key).statusCode()).isEqualTo(200);
        assertThat(small.agent().health().spoolDepthEvents()).isEqualTo(10);
    }
}
