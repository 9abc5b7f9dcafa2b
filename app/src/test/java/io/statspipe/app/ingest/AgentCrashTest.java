package io.statspipe.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.domain.Event;
import io.statspipe.domain.Series;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as its own process ({@code statspipe agent}), killed with SIGKILL while HTTP
 * clients are posting, its spool given a torn tail, and started again: every event it
 * acknowledged reaches Kafka, once after de-duplication by batch id.
 */
class AgentCrashTest {
    private static final Pattern READY = Pattern.compile("statspipe agent ready: statsd=(\\d+) http=(\\d+) producer=(\\S+)");
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

    /** A child JVM running the agent; its ports read from the line it prints when ready. */
    private record Child(Process process, int statsdPort, int httpPort, String producer) {
        void end() throws InterruptedException {
            process.destroy(); // SIGTERM to this PID: a graceful stop
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static Child startAgent(Path spool, String name) throws Exception {
        return startAgent(name, "--kafka", KAFKA.bootstrapServers(), "--spool", spool.toString(), "--partitions", "4",
                "--statsd-port", "0", "--http-port", "0");
    }

    private static Child startAgent(String name, String... options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "-Djava.net.preferIPv4Stack=true", "-Dlog4j2.configurationFile=log4j2-test.xml",
                "io.statspipe.app.StatspipeCommand", "agent"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command)
                .redirectError(dir.resolve(name + ".log").toFile())
                .start();
        CompletableFuture<Matcher> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                throw new IllegalStateException("agent exited before it was ready");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Matcher m = ready.get(60, TimeUnit.SECONDS);
            return new Child(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3));
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("agent did not start; log: " + Files.readString(dir.resolve(name + ".log")), e);
        }
    }

    private static String batch(int post) {
        StringBuilder json = new StringBuilder("{\"events\":[");
        for (int j = 0; j < EVENTS_PER_POST; j++) {
            json.append(j == 0 ? "" : ",").append("{\"metric\":\"crash.events\",\"tags\":{\"site\":\"s").append(j % 3)
                    .append("\"},\"kind\":\"counter\",\"value\":1,\"timestamp\":").append(BASE + (long) post * EVENTS_PER_POST + j).append('}');
        }
        return json.append("]}").toString();
    }

    private static List<Event> events(int post) {
        List<Event> events = new ArrayList<>();
        for (int j = 0; j < EVENTS_PER_POST; j++) {
            events.add(Event.counter(Series.of("crash.events", "site", "s" + (j % 3)), BASE + (long) post * EVENTS_PER_POST + j, 1));
        }
        return events;
    }

    /** Posts batches numbered from {@code first} until one fails or {@code count} were sent; returns the acknowledged ones. */
    private List<Integer> post(int port, int first, int count, List<Integer> acknowledged) {
        for (int post = first; post < first + count; post++) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ingest"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(batch(post))).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    acknowledged.add(post);
                }
            } catch (IOException | InterruptedException e) {
                return acknowledged; // the agent is gone
            }
        }
        return acknowledged;
    }

    @Test
    void everyAcknowledgedEventArrivesOnceAfterAKillNineAndATornSpoolTail() throws Exception {
        Path spool = dir.resolve("spool");
        Child first = startAgent(spool, "first");
        List<Integer> acknowledged = new CopyOnWriteArrayList<>();
        List<CompletableFuture<List<Integer>>> posters = new ArrayList<>();
        for (int client = 0; client < 3; client++) {
            int from = client * 100_000;
            posters.add(CompletableFuture.supplyAsync(() -> post(first.httpPort(), from, 100_000, acknowledged)));
        }
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> acknowledged.size() >= 150);
        } finally {
            first.process().destroyForcibly(); // SIGKILL mid-stream
            first.process().waitFor();
        }
        for (CompletableFuture<List<Integer>> poster : posters) {
            poster.get(60, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(150);

        // a write cut short by the crash: a record header promising more bytes than follow
        Path newest;
        try (Stream<Path> files = Files.list(spool)) {
            newest = files.filter(p -> p.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        Files.write(newest, new byte[] {0, 0, 1, 0, 42, 42, 42, 42, 0, 0, 0}, StandardOpenOption.APPEND);

        Child second = startAgent(spool, "second");
        try {
            assertThat(second.producer()).as("the producer id survives the crash").isEqualTo(first.producer());
            post(second.httpPort(), 900_000, 20, acknowledged);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.httpPort() + "/health"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).contains("\"recoveredTornBytes\":11");

            List<Event> expected = acknowledged.stream().flatMap(p -> events(p).stream()).toList();
            try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), TOPICS.events(), TOPICS.deadLetters())) {
                reader.readUntil(r -> new HashSet<>(r.eventsOf("crash.")).containsAll(expected), Duration.ofSeconds(90))
                        .readFor(Duration.ofSeconds(1));
                List<Event> arrived = reader.eventsOf("crash.");
                assertThat(arrived).containsAll(expected);
                assertThat(new HashSet<>(arrived)).as("no event twice after de-duplication").hasSize(arrived.size());
                // a post in flight at the kill may have been spooled without its answer: it arrives whole or not at all
                assertThat(arrived.size() % EVENTS_PER_POST).isZero();
                assertThat(arrived.size() - expected.size()).isLessThanOrEqualTo(3 * EVENTS_PER_POST);
            }
        } finally {
            second.end();
        }
    }
    @Test
    void anIdempotencyKeyOutlivesAKillNineOfTheAgent() throws Exception {
        Path spool = dir.resolve("spool-keys");
        String key = "4f1c2a9e-crash-retry";
        String body = batch(500_000).replace("crash.events", "keyed.events");
        Child first = startAgent(spool, "keys-first");
        HttpResponse<String> answered = postKeyed(first.httpPort(), key, body);
        first.process().destroyForcibly(); // SIGKILL right after the 200: the client never saw it, say
        first.process().waitFor();

        Child second = startAgent(spool, "keys-second");
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

        Child agent = startAgent("configured", "--config", conf.toString());
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
