package io.statspipe.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.domain.Series;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as its own process ({@code statspipe agent}): an idempotency key outlives a SIGKILL,
 * and the agent takes its configuration from a file. (Killed while clients post, with every
 * bucket compared in KairosDB afterwards: {@code io.statspipe.app.topology.AgentKillTest}.)
 */
class AgentCrashTest {
    private static final long BASE = 1_700_000_000_000L;
    private static final int EVENTS_PER_POST = 10;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static final TopicLayout TOPICS = TopicLayout.of(4, 1);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        TOPICS.ensureExists(KAFKA.bootstrapServers());
    }

    private static AgentProcess startAgent(Path spool, String name) throws Exception {
        return AgentProcess.start(dir, name, KAFKA.bootstrapServers(), spool, TOPICS.partitions());
    }

    private static String batch(int post) {
        StringBuilder json = new StringBuilder("{\"events\":[");
        for (int j = 0; j < EVENTS_PER_POST; j++) {
            json.append(j == 0 ? "" : ",").append("{\"metric\":\"crash.events\",\"tags\":{\"site\":\"s").append(j % 3)
                    .append("\"},\"kind\":\"counter\",\"value\":1,\"timestamp\":").append(BASE + (long) post * EVENTS_PER_POST + j).append('}');
        }
        return json.append("]}").toString();
    }

    @Test
    void anIdempotencyKeyOutlivesAKillNineOfTheAgent() throws Exception {
        Path spool = dir.resolve("spool-keys");
        String key = "4f1c2a9e-crash-retry";
        String body = batch(500_000).replace("crash.events", "keyed.events");
        AgentProcess first = startAgent(spool, "keys-first");
        HttpResponse<String> answered = postKeyed(first.httpPort(), key, body);
        first.killHard(); // right after the 200: the client never saw it, say

        AgentProcess second = startAgent(spool, "keys-second");
        try {
            HttpResponse<String> repeat = postKeyed(second.httpPort(), key, body);
            HttpResponse<String> otherBody = postKeyed(second.httpPort(), key, body.replace("\"value\":1", "\"value\":2"));
            // the same series later, without a key: once it arrives, everything spooled before it has arrived
            HttpResponse<String> marker = post(second.httpPort(), batch(500_001).replace("crash.events", "keyed.events"));

            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(repeat.statusCode()).isEqualTo(200);
            assertThat(repeat.body()).isEqualTo(answered.body());
            assertThat(otherBody.statusCode()).isEqualTo(422);
            assertThat(marker.statusCode()).isEqualTo(200);
            try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), TOPICS.events(), TOPICS.deadLetters())) {
                long markerAt = BASE + 500_001L * EVENTS_PER_POST;
                reader.readUntil(r -> r.eventsOf("keyed.").stream().filter(e -> e.timestamp() >= markerAt).count()
                        == EVENTS_PER_POST, Duration.ofSeconds(90));
                assertThat(reader.eventsOf("keyed.")).as("the keyed batch once, then the marker").hasSize(2 * EVENTS_PER_POST);
            }
        } finally {
            second.end();
        }
    }

    @Test
    void anAgentStartedWithAConfigurationFileTakesItsBrokersPortsTokensAndDataFolderFromIt() throws Exception {
        int httpPort;
        int statsdPort;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket tcp = new ServerSocket(0, 1, loopback); DatagramSocket udp = new DatagramSocket(0, loopback)) {
            httpPort = tcp.getLocalPort();
            statsdPort = udp.getLocalPort();
        }
        Path data = dir.resolve("configured");
        Path conf = dir.resolve("agent.conf");
        Files.writeString(conf, String.join("\n",
                "statspipe.data-dir = \"" + data + "\"",
                "statspipe.event-log.engine = kafka",
                "statspipe.event-log.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\"",
                "statspipe.event-log.partitions = " + TOPICS.partitions(),
                "statspipe.api.port = " + httpPort,
                "statspipe.statsd.port = " + statsdPort,
                "statspipe.ingest.require-token = true", ""));

        AgentProcess agent = AgentProcess.start(dir, "configured", "--config", conf.toString());
        try {
            assertThat(agent.httpPort()).isEqualTo(httpPort);
            assertThat(agent.statsdPort()).isEqualTo(statsdPort);
            assertThat(data.resolve("spool")).isDirectory();
            assertThat(post(httpPort, batch(700_000)).statusCode()).as("a request without a token").isEqualTo(401);

            byte[] line = "configured.events:3|c|#site:s1".getBytes(StandardCharsets.UTF_8);
            try (DatagramSocket sender = new DatagramSocket(0, loopback)) {
                sender.send(new DatagramPacket(line, line.length, loopback, statsdPort));
            }
            try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), TOPICS.events(), TOPICS.deadLetters())) {
                reader.readUntil(r -> !r.eventsOf("configured.").isEmpty(), Duration.ofSeconds(60));
                assertThat(reader.eventsOf("configured.")).singleElement()
                        .satisfies(e -> assertThat(e.series()).isEqualTo(Series.of("configured.events", "site", "s1")));
            }
        } finally {
            agent.end();
        }
    }

    private HttpResponse<String> postKeyed(int port, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ingest"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ingest"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
