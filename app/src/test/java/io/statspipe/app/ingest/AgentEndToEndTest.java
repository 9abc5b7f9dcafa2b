package io.statspipe.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import io.statspipe.adapter.ingest.IngestEndpoint;
import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.ConsumedBatch;
import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.spool.SpoolSettings;
import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.SeriesPartitioner;
import io.statspipe.ports.out.DeadLetterContent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The agent with its endpoints in this JVM, against a real broker: what goes in over UDP and HTTP comes out of Kafka. */
class AgentEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static RunningAgent agent;
    static TopicLayout topics = TopicLayout.of(4, 1);
    static final Duration DEADLINE = Duration.ofSeconds(60);
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        topics.ensureExists(KAFKA.bootstrapServers());
        agent = RunningAgent.start(AgentSettings.of(KAFKA.bootstrapServers(), topics, SpoolSettings.defaults(dir.resolve("spool"))),
                new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        agent.close();
    }

    private static void datagram(String lines) throws IOException {
        byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), agent.statsd().port()));
        }
    }

    private HttpResponse<String> post(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.http().port() + IngestEndpoint.PATH))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static TopicReader reader() {
        return new TopicReader(KAFKA.bootstrapServers(), topics.events(), topics.deadLetters());
    }

    @Test
    void eventsSentOverUdpAndHttpComeOutDecodedInTheirSeriesPartition() throws Exception {
        datagram("rt.udp.views:1|c|#site:1\nrt.udp.views:2|c|#site:2\nrt.udp.latency:12.5|ms|#site:1\nrt.udp.depth:7|g");
        HttpResponse<String> response = post("""
                {"events": [{"metric": "rt.http.views", "tags": {"site": "3"}, "kind": "counter", "value": 4, "timestamp": 1700000000000},
                            {"metric": "rt.http.size", "kind": "distribution", "value": 512, "timestamp": 1700000000001}]}""");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"accepted\":2,\"refused\":[],\"refused_count\":0,\"ignored\":0}");

        try (TopicReader reader = reader()) {
            reader.readUntil(r -> r.eventsOf("rt.").size() >= 6, DEADLINE);
            assertThat(reader.eventsOf("rt.udp")).extracting(Event::series, Event::kind, Event::value).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(Series.of("rt.udp.views", "site", "1"), Kind.COUNTER, 1.0),
                    org.assertj.core.groups.Tuple.tuple(Series.of("rt.udp.views", "site", "2"), Kind.COUNTER, 2.0),
                    org.assertj.core.groups.Tuple.tuple(Series.of("rt.udp.latency", "site", "1"), Kind.DISTRIBUTION, 12.5),
                    org.assertj.core.groups.Tuple.tuple(Series.of("rt.udp.depth"), Kind.GAUGE, 7.0));
            assertThat(reader.eventsOf("rt.http")).containsExactlyInAnyOrder(
                    Event.counter(Series.of("rt.http.views", "site", "3"), 1_700_000_000_000L, 4),
                    Event.distribution(Series.of("rt.http.size"), 1_700_000_000_001L, 512));
            for (ConsumedBatch batch : reader.batches) {
                assertThat(batch.batch().events()).allSatisfy(e ->
                        assertThat(SeriesPartitioner.partitionOf(e.series(), topics.partitions())).isEqualTo(batch.partition()));
            }
        }
    }

    @Test
    void badInputGetsItsReasonAndTheGoodLinesOfTheSameDatagramOrBatchGoThrough() throws Exception {
        long rejectedBefore = agent.agent().health().rejectedInputs();
        datagram("bad.udp.ok:1|c\nbad.udp.broken\nbad.udp.ok:2|c\nbad udp name:1|c\nbad.udp.tag:1|c|#k:" + "v".repeat(300));
        HttpResponse<String> partly = post("""
                {"events": [{"metric": "bad.http.ok", "kind": "counter", "value": 1, "timestamp": 1700000000000},
                            {"metric": "bad.http.nokind", "value": 1}]}""");
        HttpResponse<String> broken = post("{\"events\": [");
        HttpResponse<String> badUtf8 = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.http().port() + IngestEndpoint.PATH))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray("{\"events\": [{\"metric\": \"a\u00e9\"}]}".getBytes(StandardCharsets.ISO_8859_1)))
                .build(), HttpResponse.BodyHandlers.ofString());

        // the same answers as statspipe up's ingest: the good events are kept, the bad ones listed with their reason
        assertThat(partly.statusCode()).isEqualTo(200);
        assertThat(partly.body()).isEqualTo("{\"accepted\":1,\"refused\":[\"event 1: event of 'bad.http.nokind' has no \\\"kind\\\"\"],\"refused_count\":1,\"ignored\":0}");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).startsWith("{\"status\":400,\"error\":\"malformed JSON at line 1");
        assertThat(badUtf8.statusCode()).isEqualTo(400);
        assertThat(badUtf8.body()).contains("Invalid UTF-8");

        try (TopicReader reader = reader()) {
            reader.readUntil(r -> r.eventsOf("bad.").size() >= 3 && r.dead.stream().filter(d -> d.input().startsWith("bad")).count() >= 3, DEADLINE);
            assertThat(reader.eventsOf("bad.udp")).extracting(Event::value).containsExactlyInAnyOrder(1.0, 2.0);
            assertThat(reader.eventsOf("bad.http")).containsExactly(Event.counter(Series.of("bad.http.ok"), 1_700_000_000_000L, 1));
            List<TopicReader.DeadLetter> dead = reader.dead.stream().filter(d -> d.input().startsWith("bad")).toList();
            assertThat(dead).extracting(TopicReader.DeadLetter::input)
                    .containsExactlyInAnyOrder("bad.udp.broken", "bad udp name:1|c", "bad.udp.tag:1|c|#k:" + "v".repeat(300));
            assertThat(dead).extracting(TopicReader.DeadLetter::reason).containsExactlyInAnyOrder(
                    "missing '|type' in 'bad.udp.broken'",
                    "metric name 'bad udp name' may hold only letters, digits and _ - . / (starting with a letter or digit)",
                    "tag value too long: 300 > 200 characters in tag 'k'");
            assertThat(dead).allSatisfy(d -> assertThat(d.origin()).startsWith("udp:127.0.0.1:"));
        }
        // three StatsD lines, one HTTP event, two HTTP bodies
        assertThat(agent.agent().health().rejectedInputs() - rejectedBefore).isEqualTo(6);
    }

    @Test
    void aHugeRefusedLineIsDeadLetteredCutWithItsFullLengthNoted() throws Exception {
        String line = "huge." + "x".repeat(40_000) + ":1|c";
        datagram(line);

        try (TopicReader reader = reader()) {
            reader.readUntil(r -> r.dead.stream().anyMatch(d -> d.input().startsWith("huge.")), DEADLINE);
            TopicReader.DeadLetter dead = reader.dead.stream().filter(d -> d.input().startsWith("huge.")).findFirst()
                    .orElseThrow();
            assertThat(dead.input()).isEqualTo(line.substring(0, DeadLetterContent.MAX_BYTES));
            assertThat(dead.originalBytes()).contains(line.length());
            assertThat(dead.reason()).startsWith("metric name too long: 40005 > 200 characters");
        }
    }

    @Test
    void theDeadLetterTopicKeepsAWeekAndABoundedSize() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, topics.deadLetters());
            Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo(String.valueOf(7L * 24 * 3_600_000));
            assertThat(config.get(TopicConfig.RETENTION_BYTES_CONFIG).value()).isEqualTo(String.valueOf(256L * 1024 * 1024));
        }
    }

    @Test
    void whileKafkaIsDownHttpIngestIsStillAcknowledgedAndEveryEventArrivesOnceAfterwards() throws Exception {
        KAFKA.engine().stop();
        List<Event> sent = new java.util.ArrayList<>();
        try {
            for (int post = 0; post < 10; post++) {
                StringBuilder json = new StringBuilder("{\"events\": [");
                for (int i = 0; i < 20; i++) {
                    long timestamp = 1_700_000_000_000L + post * 100L + i;
                    json.append(i == 0 ? "" : ",").append("{\"metric\": \"down.views\", \"tags\": {\"site\": \"s").append(i % 5)
                            .append("\"}, \"kind\": \"counter\", \"value\": 1, \"timestamp\": ").append(timestamp).append('}');
                    sent.add(Event.counter(Series.of("down.views", "site", "s" + (i % 5)), timestamp, 1));
                }
                HttpResponse<String> response = post(json.append("]}").toString());
                assertThat(response.statusCode()).as("accepted while Kafka is down").isEqualTo(200);
            }
            assertThat(agent.agent().health().spoolDepthEvents()).isGreaterThanOrEqualTo(200);
        } finally {
            KAFKA.engine().start();
        }
        try (TopicReader reader = reader()) {
            reader.readUntil(r -> r.eventsOf("down.").size() >= sent.size(), DEADLINE).readFor(Duration.ofSeconds(1));
            assertThat(reader.eventsOf("down.")).hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void aRealDogStatsdClientsCountersGaugesAndTimersArriveIntact() {
        StatsDClient client = new NonBlockingStatsDClientBuilder().prefix("client").hostname("127.0.0.1")
                .port(agent.statsd().port()).constantTags("env:test").enableTelemetry(false).enableAggregation(false)
                .originDetectionEnabled(false).build();
        client.count("requests", 5, "route:/home");
        client.increment("requests", "route:/home");
        client.gauge("queue.depth", 42.5);
        client.recordExecutionTime("latency", 120, "route:/home");
        client.histogram("payload", 2048);
        client.distribution("dist", 3.5);

        // the client sends from its own thread (stop() right away would drop its queue): read while it runs
        try (TopicReader reader = reader()) {
            reader.readUntil(r -> r.eventsOf("client.").size() >= 6, DEADLINE);
            client.stop();
            assertThat(reader.eventsOf("client.")).extracting(Event::series, Event::kind, Event::value).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(Series.of("client.requests", "env", "test", "route", "/home"), Kind.COUNTER, 5.0),
                    org.assertj.core.groups.Tuple.tuple(Series.of("client.requests", "env", "test", "route", "/home"), Kind.COUNTER, 1.0),
                    org.assertj.core.groups.Tuple.tuple(Series.of("client.queue.depth", "env", "test"), Kind.GAUGE, 42.5),
                    org.assertj.core.groups.Tuple.tuple(Series.of("client.latency", "env", "test", "route", "/home"), Kind.DISTRIBUTION, 120.0),
                    org.assertj.core.groups.Tuple.tuple(Series.of("client.payload", "env", "test"), Kind.DISTRIBUTION, 2048.0),
                    org.assertj.core.groups.Tuple.tuple(Series.of("client.dist", "env", "test"), Kind.DISTRIBUTION, 3.5));
        }
    }
}
