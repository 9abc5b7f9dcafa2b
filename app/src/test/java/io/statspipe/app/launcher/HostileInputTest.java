package io.statspipe.app.launcher;

import static io.statspipe.app.launcher.RunningStatspipe.ACME_TOKEN;
import static io.statspipe.app.launcher.RunningStatspipe.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.statspipe.app.topology.DeadLetterTopic;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input into {@code ./statspipe up}'s pipeline: generated lines mixing valid stats with
 * every kind of extreme a client can send, over HTTP and over UDP, and the poison line that used
 * to stop half the pipeline for good. Valid lines are counted exactly, every refused line is
 * accounted for, and nothing stalls, before and after a restart. The seed is printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {
    /** RunningStatspipe's flush interval (1 s) plus 3 s. */
    static final Duration FRESH_WITHIN = Duration.ofSeconds(4);
    static final String POISON = "poison:1e308|ms|@0.5|#tenant:acme";
    static final int HTTP_BATCHES = 100;
    static final int LINES_PER_BATCH = 1_000;
    static final int UDP_LINES = 20_000;
    static final int KEYS = 20;

    @TempDir
    static Path dir;
    static RunningStatspipe statspipe;
    static long seed;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void up() throws Exception {
        seed = Long.getLong("statspipe.chaos.seed", System.nanoTime());
        System.out.println("hostile input seed: " + seed + "  (replay: -Dstatspipe.chaos.seed=" + seed + ")");
        statspipe = new RunningStatspipe(dir).start();
        statspipe.awaitHealthy(Duration.ofMinutes(4));
    }

    @AfterAll
    static void down() {
        if (statspipe != null) {
            statspipe.forceStop();
        }
    }

    /** What must become of a line. */
    enum Fate { COUNTED, REFUSED, IGNORED }

    /** One generated line: its bytes, its fate, and what it must add when counted. */
    record Line(byte[] bytes, Fate fate, String key, long adds) {
        boolean valid() {
            return fate == Fate.COUNTED;
        }
    }

    /** Lines every client might send; the extremes are refused with a reason, the rest counted. */
    static Line line(Random r, String metric) {
        int roll = r.nextInt(100);
        if (roll < 60) {
            int v = 1 + r.nextInt(5);
            String k = "k" + r.nextInt(KEYS);
            boolean sampled = r.nextBoolean();
            return valid(metric + ":" + v + "|c" + (sampled ? "|@0.5" : "") + "|#tenant:acme,k:" + k, metric + " " + k,
                    sampled ? 2L * v : v);
        }
        if (roll < 68) {
            return valid(metric + ".t:" + r.nextInt(5_000) + "|ms|@0.25|#tenant:acme", metric + ".t", 4);
        }
        if (roll < 70) {
            return valid(metric + ":1|c|@0.0001|#tenant:acme,k:rare", metric + " rare", 10_000);
        }
        String bad = switch (r.nextInt(17)) {
            case 0 -> metric + ".x:1e308|ms|@0.5|#tenant:acme";
            case 1 -> metric + ".x:-1e308|g|#tenant:acme";
            case 2 -> metric + ".x:1|c|@4.9e-324|#tenant:acme";
            case 3 -> metric + ".x:1|c|@1e-7|#tenant:acme";
            case 4 -> metric + ".x:1|c|@7|#tenant:acme";
            case 5 -> metric + ".x:9223372036854775807|c|#tenant:acme";
            case 6 -> metric + ".x:-9.3e18|c|#tenant:acme";
            case 7 -> "n".repeat(10_000) + ":1|c|#tenant:acme";
            case 8 -> metric + ".x:1|c|#" + tags(1_000);
            case 9 -> metric + ".ctl\u0001:1|c|#tenant:acme";
            case 10 -> metric + ".x:1|c|#tenant:ac\u0007me";
            case 11 -> "_e{5,4}:title|text|#tenant:acme"; // DogStatsD event: ignored, below
            case 12 -> "_sc|" + metric + ".check|0|#tenant:acme"; // DogStatsD service check: ignored
            case 13 -> metric + ".x:nan|g|#tenant:acme";
            case 14 -> metric + ".x:1|c|#tenant:acme,tenant:globex";
            case 15 -> metric + ".x:|c";
            default -> null; // invalid UTF-8, below
        };
        if (bad == null) {
            byte[] prefix = (metric + ".").getBytes(StandardCharsets.US_ASCII);
            byte[] b = new byte[prefix.length + 6];
            System.arraycopy(prefix, 0, b, 0, prefix.length);
            System.arraycopy(new byte[] {(byte) 0xC3, 0x28, ':', '1', '|', 'c'}, 0, b, prefix.length, 6);
            return new Line(b, Fate.REFUSED, null, 0);
        }
        return new Line(bad.getBytes(StandardCharsets.UTF_8), bad.startsWith("_") ? Fate.IGNORED : Fate.REFUSED, null, 0);
    }

    static Line valid(String text, String key, long adds) {
        return new Line(text.getBytes(StandardCharsets.UTF_8), Fate.COUNTED, key, adds);
    }

    static String tags(int n) {
        StringBuilder b = new StringBuilder("tenant:acme");
        for (int i = 1; i < n; i++) {
            b.append(",t").append(i).append(":v");
        }
        return b.toString();
    }

    @Test
    @Order(1)
    void overHttpEveryValidLineIsCountedExactlyAndEveryRefusedLineAccountedFor() throws Exception {
        Random r = new Random(seed);
        Map<String, Long> expected = new TreeMap<>();
        long refused = 0;
        for (int b = 0; b < HTTP_BATCHES; b++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int valid = 0;
            int invalid = 0;
            int ignored = 0;
            for (int i = 0; i < LINES_PER_BATCH; i++) {
                Line line = line(r, "chaos.http");
                body.write(line.bytes());
                body.write('\n');
                switch (line.fate()) {
                    case COUNTED -> {
                        valid++;
                        expected.merge(line.key(), line.adds(), Long::sum);
                    }
                    case REFUSED -> invalid++;
                    case IGNORED -> ignored++;
                }
            }
            if (b == 0) {
                body.write("chaos.huge:4611686018427387904|c|#tenant:acme\n".getBytes(StandardCharsets.UTF_8));
                valid++;
            }
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + statspipe.apiPort + "/api/v1/ingest"))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode json = JSON.readTree(answer.body());
            assertThat(json.path("accepted").asLong()).as("batch %d, seed %d", b, seed).isEqualTo(valid);
            assertThat(json.path("refused_count").asLong()).as("batch %d, seed %d", b, seed).isEqualTo(invalid);
            assertThat(json.path("ignored").asLong()).as("batch %d, seed %d", b, seed).isEqualTo(ignored);
            refused += invalid;
        }
        System.out.printf("HTTP: %d lines, %d refused%n", HTTP_BATCHES * LINES_PER_BATCH + 1, refused);

        await("every valid HTTP line counted").atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                .until(() -> counted("chaos.http").equals(expected));
        assertThat(statspipe.total("metric=chaos.huge&from=-1h&to=now", ACME_TOKEN)).isEqualTo(0x1p62);
        long refusedTotal = refused;
        await("every refused HTTP line in the dead-letter topic").atMost(Duration.ofMinutes(1)).until(() ->
                DeadLetterTopic.readAll("127.0.0.1:" + statspipe.kafkaPort).stream()
                        .filter(d -> d.source().startsWith("http")).count() == refusedTotal);
    }

    @Test
    @Order(2)
    void overUdpWhatTheListenerTookIsCountedExactly() throws Exception {
        Random r = new Random(seed + 1);
        JsonNode before = JSON.readTree(statspipe.get("/api/v1/status", null).body());
        long validSent = 0;
        long invalidSent = 0;
        long ignoredSent = 0;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int sent = 0; sent < UDP_LINES; ) {
                ByteArrayOutputStream datagram = new ByteArrayOutputStream();
                for (int i = 0; i < 5 && sent < UDP_LINES; i++, sent++) {
                    Line line = line(r, "chaos.udp");
                    switch (line.fate()) {
                        case COUNTED -> {
                            // One event each over UDP: the reconciliation counts events, not what they add.
                            line = valid("chaos.udp:1|c|#tenant:acme", "chaos.udp", 1);
                            validSent++;
                        }
                        case REFUSED -> invalidSent++;
                        case IGNORED -> ignoredSent++;
                    }
                    datagram.write(line.bytes());
                    datagram.write('\n');
                }
                byte[] bytes = datagram.toByteArray();
                socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), statspipe.statsdPort));
                if (sent % 100 == 0) {
                    TimeUnit.MILLISECONDS.sleep(2); // paced: a burst beyond the socket buffer is lost by UDP itself
                }
            }
        }
        long lines = validSent + invalidSent + ignoredSent;
        long[] took = new long[3];
        try {
            await("the listener took every line").atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode now = JSON.readTree(statspipe.get("/api/v1/status", null).body());
                took[0] = now.path("ingestedEvents").asLong() - before.path("ingestedEvents").asLong();
                took[1] = now.path("refusedLines").asLong() - before.path("refusedLines").asLong();
                took[2] = now.path("ignoredLines").asLong() - before.path("ignoredLines").asLong();
                return took[0] + took[1] + took[2] == lines;
            });
        } catch (org.awaitility.core.ConditionTimeoutException lostByUdp) {
            System.out.printf("UDP lost %d of %d lines before the listener%n", lines - took[0] - took[1] - took[2], lines);
        }
        System.out.printf("UDP: %d lines sent (%d valid), the listener took %d events, refused %d lines and ignored %d"
                + " DogStatsD events and service checks%n", lines, validSent, took[0], took[1], took[2]);
        assertThat(took[0]).isLessThanOrEqualTo(validSent).isPositive();
        assertThat(took[1]).isLessThanOrEqualTo(invalidSent).isPositive();
        assertThat(took[2]).isLessThanOrEqualTo(ignoredSent).isPositive();
        await("every event the listener took counted").atMost(Duration.ofMinutes(1)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                .until(() -> statspipe.total("metric=chaos.udp&from=-1h&to=now", ACME_TOKEN) == took[0]);
    }

    @Test
    @Order(3)
    void aPoisonLineIsDeadLetteredAndEveryoneElseKeepsCountingAcrossARestart() throws Exception {
        sendPoisonSequence(8);
        assertThat(poisonDeadLetters()).hasSize(1);

        statspipe.process.destroy(); // SIGTERM, then the same data folder again
        assertThat(statspipe.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        statspipe.start();
        statspipe.awaitHealthy(Duration.ofMinutes(4));
        assertThat(statspipe.total("metric=after.poison&from=-1h&to=now", ACME_TOKEN)).isEqualTo(8.0);
        sendPoisonSequence(16);
        assertThat(poisonDeadLetters()).hasSize(2);
    }

    /** Totals of the metric's counters by key, and of its timings' samples. */
    static Map<String, Long> counted(String metric) throws Exception {
        Map<String, Long> counted = new TreeMap<>();
        HttpResponse<String> byKey = statspipe.get("/api/v1/query?metric=" + metric + "&from=-1h&to=now&group_by=k",
                ACME_TOKEN);
        for (JsonNode g : JSON.readTree(byKey.body()).path("results")) {
            long sum = 0;
            for (JsonNode p : g.path("points")) {
                sum += p.get(1).asLong();
            }
            counted.put(metric + " " + g.path("group").path("k").asText(), sum);
        }
        double samples = statspipe.total("metric=" + metric + ".t&kind=distribution&aggregation=count&from=-1h&to=now",
                ACME_TOKEN);
        if (samples > 0) {
            counted.put(metric + ".t", (long) samples);
        }
        return counted;
    }

    private void sendPoisonSequence(int afterTotal) throws Exception {
        assertThat(send("before.poison:1|c|#tenant:acme")).contains("1 lines acknowledged");
        String refused = send(POISON);
        assertThat(refused).contains("0 lines acknowledged, 1 refused", "value out of range: 1.0E308 is beyond +-1e18");
        List<String> after = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            after.add("after.poison:1|c|#tenant:acme,k:k" + i);
        }
        assertThat(send(after.toArray(String[]::new))).contains("8 lines acknowledged");
        long acknowledged = System.nanoTime();
        await("the 8 counts after the poison line").atMost(FRESH_WITHIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> statspipe.total("metric=after.poison&from=-1h&to=now", ACME_TOKEN) == afterTotal);
        System.out.printf("the counts after the poison line were queryable %d ms after their acknowledgement%n",
                (System.nanoTime() - acknowledged) / 1_000_000);
    }

    private String send(String... lines) throws Exception {
        List<String> args = new ArrayList<>(List.of("send", "--url", "http://127.0.0.1:" + statspipe.apiPort));
        args.addAll(List.of(lines));
        Process send = RunningStatspipe.launcher(args.toArray(String[]::new)).redirectErrorStream(true).start();
        String printed = new String(send.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(send.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return printed;
    }

    /** The reasons of the dead letters holding the poison line. */
    private List<String> poisonDeadLetters() {
        List<String> reasons = DeadLetterTopic.readAll("127.0.0.1:" + statspipe.kafkaPort).stream()
                .filter(d -> d.value().contains("poison:1e308")).map(DeadLetterTopic.Letter::reason).toList();
        assertThat(reasons).allSatisfy(reason -> assertThat(reason).contains("value out of range"));
        return reasons;
    }
}
