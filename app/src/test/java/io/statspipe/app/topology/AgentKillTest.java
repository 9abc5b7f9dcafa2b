package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statspipe.adapter.ingest.IngestEndpoint;
import io.statspipe.app.ingest.AgentProcess;
import io.statspipe.domain.Event;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell of the fault-injection matrix: the agent ({@code statspipe agent}, a child JVM)
 * killed with SIGKILL {@value #KILLS} times while {@value #CLIENTS} HTTP clients post to it,
 * each kill at a random moment near a quarter, a half and three quarters of the posts, so that
 * requests are in flight (sent, not yet answered) and spooled batches are not yet forwarded or
 * not yet marked forwarded. After the first kill the spool's newest segment gets a torn tail (a
 * record header promising bytes that never came). Each restart runs on the same spool.
 *
 * <p>The clients are what an application does: every post carries an {@code Idempotency-Key},
 * and a post that got no answer is sent again, under the same key, to the next agent. So every
 * post ends acknowledged exactly once, and every bucket must hold exactly the events posted:
 * counters, gauges (half of the samples relative), sets and timings of the fault-injection
 * scenario's series, at 1m and 1h, compared whole in KairosDB (on H2) through the topology on a
 * LocalCluster ({@link FaultInjectionContract#assertEveryBucketStored}). A post kept by the dying
 * agent and then kept again, a kept post lost, a spooled batch forwarded twice and counted twice,
 * or a torn tail losing what came before it: each shows as a differing bucket.
 */
class AgentKillTest {
    static final int PARTITIONS = 4;
    static final int CLIENTS = 3;
    static final int POSTS_PER_CLIENT = 300;
    static final int EVENTS_PER_POST = 100;
    static final int KILLS = 3;
    static final byte[] TORN_TAIL = {0, 0, 1, 0, 42, 42, 42, 42, 0, 0, 0};

    @RegisterExtension
    static final LocalEngines ENGINES = new LocalEngines(PARTITIONS, s -> s.withName("agent-kill")
            .withFlushInterval(Duration.ofSeconds(1)).withCoarseFlushInterval(Duration.ofSeconds(3)),
            AgentKillTest::rules);
    @TempDir
    static Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The agent now running: clients whose post got no answer wait for the next one. */
    private final AtomicReference<AgentProcess> agent = new AtomicReference<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger sentAgain = new AtomicInteger();

    static RuleSet rules() {
        return new RuleSet(List.of(RollupRule.identity("raw", FaultInjectionContract.RESOLUTIONS)));
    }

    /** One post: its key, its body, and its events in the order they are in the body. */
    private record Post(String key, String body, List<Event> events) {
    }

    @Test
    void everyBucketOfEveryKindIsExactAfterTheAgentIsKilledWhileClientsPost() throws Exception {
        long seed = Long.getLong("statspipe.faults.seed", System.nanoTime());
        System.out.println("agent kill seed: " + seed + "  (replay: -Dstatspipe.faults.seed=" + seed + ")");
        Random random = new Random(seed);
        long now = System.currentTimeMillis();
        List<List<Post>> posts = new ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
            posts.add(postsOf(client, now, new Random(seed + 1 + client)));
        }
        ExpectedBuckets expected = new ExpectedBuckets();
        // A client owns its series (i % CLIENTS), so each series' events are counted in its client's order.
        posts.forEach(client -> client.forEach(post -> post.events().forEach(e -> expected.add(e, FaultInjectionContract.RESOLUTIONS))));

        Path spool = dir.resolve("spool");
        // The agents' logs stay in target/ for reading after a failure.
        Path logs = Path.of("target", "fault-injection", "agent-kill-" + seed).toAbsolutePath();
        String bootstrap = ENGINES.broker().bootstrapServers();
        agent.set(AgentProcess.start(logs, "agent-0", bootstrap, spool, PARTITIONS));
        String producer = agent.get().producer();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (List<Post> client : posts) {
                running.add(clients.submit(() -> postAll(client)));
            }
            int total = CLIENTS * POSTS_PER_CLIENT;
            for (int kill = 1; kill <= KILLS; kill++) {
                int at = kill * total / (KILLS + 1) - total / 20 + random.nextInt(total / 10);
                await().atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                        .until(() -> acknowledged.get() >= at || running.stream().anyMatch(Future::isDone));
                for (Future<?> client : running) {
                    if (client.isDone()) {
                        client.get(); // a client that stopped early failed: its error, not a timeout, is the news
                    }
                }
                AgentProcess dying = agent.get();
                dying.killHard();
                System.out.println("kill -9 of the agent (PID " + dying.process().pid() + ", " + kill + " of " + KILLS
                        + ") after " + acknowledged.get() + " of " + total + " posts acknowledged");
                if (kill == 1) {
                    tearTheNewestSegment(spool);
                }
                AgentProcess next = AgentProcess.start(logs, "agent-" + kill, bootstrap, spool, PARTITIONS);
                assertThat(next.producer()).as("the producer id survives a kill").isEqualTo(producer);
                if (kill == 1) {
                    assertThat(health(next)).contains("\"recoveredTornBytes\":" + TORN_TAIL.length);
                }
                agent.set(next);
            }
            for (Future<?> client : running) {
                client.get(5, TimeUnit.MINUTES);
            }
            assertThat(acknowledged.get()).isEqualTo(total);
            assertThat(sentAgain.get()).as("posts sent again after a kill").isGreaterThanOrEqualTo(1);
            System.out.println(sentAgain.get() + " posts got no answer from a killed agent and were sent again under their key");

            FaultInjectionContract.assertEveryBucketStored(expected.aggregates(), (long) total * EVENTS_PER_POST, seed, now,
                    ENGINES.kairos().httpUrl(), "agent logs in " + logs);
        } finally {
            clients.shutdownNow();
            agent.get().end();
        }
    }

    /**
     * A client's posts: {@value #EVENTS_PER_POST} events each of the series it owns, of every
     * kind, their times spread over the minute before {@code now}.
     */
    private List<Post> postsOf(int client, long now, Random r) {
        List<Post> out = new ArrayList<>();
        for (int p = 0; p < POSTS_PER_CLIENT; p++) {
            ArrayNode body = json.createArrayNode();
            List<Event> events = new ArrayList<>();
            for (int e = 0; e < EVENTS_PER_POST; e++) {
                int i = client + CLIENTS * r.nextInt(FaultInjectionContract.SERIES / CLIENTS);
                long ts = now - 60_000 + p * 200L - r.nextInt(5_000);
                ObjectNode event = body.addObject().put("metric", FaultInjectionContract.METRIC);
                event.putObject("tags").put("series", "s" + i);
                events.add(FaultInjectionContract.event(Series.of(FaultInjectionContract.METRIC, "series", "s" + i), i, ts, r, event));
            }
            ObjectNode batch = json.createObjectNode();
            batch.set("events", body);
            out.add(new Post("client" + client + "-post" + p, batch.toString(), events));
        }
        return out;
    }

    /** Posts in order; a post without an answer goes again, under its key, to the next agent. */
    private void postAll(List<Post> posts) {
        for (Post post : posts) {
            while (true) {
                AgentProcess to = agent.get();
                try {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + to.httpPort() + IngestEndpoint.PATH))
                            .header("Content-Type", "application/json").header("Idempotency-Key", post.key())
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(post.body())).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).as("answer to %s: %s", post.key(), answer.body()).isEqualTo(200);
                    assertThat(json.readTree(answer.body()).get("accepted").asInt()).as("accepted of %s", post.key())
                            .isEqualTo(EVENTS_PER_POST);
                    acknowledged.incrementAndGet();
                    break;
                } catch (IOException e) {
                    sentAgain.incrementAndGet();
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10)).until(() -> agent.get() != to);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Appends to the newest spool segment a record header promising more bytes than follow: a write cut short. */
    private static void tearTheNewestSegment(Path spool) throws IOException {
        Path newest;
        try (Stream<Path> files = Files.list(spool)) {
            newest = files.filter(p -> p.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        Files.write(newest, TORN_TAIL, StandardOpenOption.APPEND);
    }

    private String health(AgentProcess of) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + of.httpPort() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
