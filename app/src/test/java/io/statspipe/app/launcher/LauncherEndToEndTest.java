package io.statspipe.app.launcher;

import static io.statspipe.app.launcher.RunningStatspipe.ACME_TOKEN;
import static io.statspipe.app.launcher.RunningStatspipe.ADMIN_TOKEN;
import static io.statspipe.app.launcher.RunningStatspipe.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./statspipe up} as a user runs it: the launcher script as a child process, on free
 * non-default ports and a temporary data folder, with the real engines. A stat sent with a real
 * StatsD client is queryable through {@code statspipe query}, the HTTP API and KairosDB's own
 * API; SIGTERM leaves no process and no listener behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherEndToEndTest {
    @TempDir
    static Path dir;
    static RunningStatspipe statspipe;
    static final long STARTED = System.currentTimeMillis();

    @BeforeAll
    static void up() throws Exception {
        statspipe = new RunningStatspipe(dir).start();
        statspipe.awaitHealthy(Duration.ofMinutes(4));
    }

    @AfterAll
    static void cleanUp() {
        // Only acts when the SIGTERM test did not run or failed: ends the tree by PID.
        if (statspipe != null && statspipe.process.isAlive()) {
            statspipe.forceStop();
        }
    }

    @Test
    @Order(1)
    void printsWhatRunsWhereAndHowToSendAFirstStat() throws Exception {
        RunningStatspipe.awaitTrue("banner printed", Duration.ofSeconds(30),
                () -> RunningStatspipe.read(statspipe.out).contains("Send a first stat"));
        String banner = RunningStatspipe.read(statspipe.out);
        assertThat(banner).contains("http://127.0.0.1:" + statspipe.apiPort, "udp://127.0.0.1:" + statspipe.statsdPort,
                "http://127.0.0.1:" + statspipe.kairosPort, "127.0.0.1:" + statspipe.kafkaPort, "nc -u");
    }

    @Test
    @Order(2)
    void theFirstStartCreatesAnOwnerOnlyAdminTokenAndSaysHowToQueryWithoutOne() throws Exception {
        Path file = statspipe.dataDir.resolve("admin.token");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file).strip()).matches("[A-Za-z0-9_-]{43}");
        String banner = RunningStatspipe.read(statspipe.out);
        assertThat(banner).contains(file.toAbsolutePath().toString(), "token create --tenant acme")
                .containsPattern("\\./statspipe query page\\.views --tag tenant:acme --data-dir \\S+ --url \\S+\\n");
    }

    @Test
    @Order(3)
    void aStatFromADogStatsDClientIsQueryableThroughTheApiTheCliAndKairosDb() throws Exception {
        // Open as in an app: the client sends from a background thread (and close() does not wait for it).
        String q = "metric=e2e.clicks&from=-1h&to=now";
        try (StatsDClient client = new NonBlockingStatsDClientBuilder().hostname("127.0.0.1").port(statspipe.statsdPort)
                .enableTelemetry(false).originDetectionEnabled(false).enableAggregation(false).build()) {
            client.count("e2e.clicks", 5, "tenant:acme", "page:home");
            client.count("e2e.clicks", 2, "tenant:acme", "page:about");
            client.count("e2e.clicks", 11, "tenant:globex", "page:home");
            // the two tenants' series may sit in partitions flushed at different moments: wait for all three
            RunningStatspipe.awaitTrue("HTTP API answers 18 for every tenant", Duration.ofSeconds(60),
                    () -> statspipe.total(q + "&group_by=tenant", ADMIN_TOKEN) == 18.0);
        }
        assertThat(statspipe.total(q, ACME_TOKEN)).isEqualTo(7.0);
        assertThat(statspipe.total(q + "&tag=page:home", ACME_TOKEN)).isEqualTo(5.0);
        assertThat(statspipe.get("/api/v1/query?" + q + "&tag=tenant:globex", ACME_TOKEN).statusCode()).isEqualTo(403);
        assertThat(statspipe.get("/api/v1/query?" + q, null).statusCode()).isEqualTo(401);

        Process query = RunningStatspipe.launcher("query", "e2e.clicks", "--tag", "page:home", "--url",
                "http://127.0.0.1:" + statspipe.apiPort, "--token", ACME_TOKEN).redirectErrorStream(true).start();
        String printed = new String(query.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(query.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(query.exitValue()).as(printed).isZero();
        assertThat(printed).contains("e2e.clicks").containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  5\\n");

        assertThat(kairosSum("e2e.clicks", "acme")).isEqualTo(7L);

        // the read side on statspipe's port: KairosDB's read API for Grafana, listing, deleting
        HttpResponse<String> names = statspipe.get("/api/v1/metricnames", ACME_TOKEN);
        assertThat(names.statusCode()).as(names.body()).isEqualTo(200);
        assertThat(JSON.readTree(names.body()).path("results").toString()).contains("\"e2e.clicks\"");
        HttpResponse<String> metrics = statspipe.get("/api/v1/metrics?from=-1h", ACME_TOKEN);
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        assertThat(JSON.readTree(metrics.body()).path("metrics").findValuesAsText("metric")).contains("e2e.clicks");
        assertThat(statspipe.get("/api/v1/delete?tenant=acme", ADMIN_TOKEN).body()).contains("use POST for /api/v1/delete");
    }

    @Test
    @Order(4)
    void statspipeQueryBesideTheDataFolderNeedsNoToken() throws Exception {
        Process query = RunningStatspipe.launcher("query", "e2e.clicks", "--tag", "tenant:acme", "--data-dir",
                statspipe.dataDir.toString(), "--url", "http://127.0.0.1:" + statspipe.apiPort).redirectErrorStream(true).start();
        String printed = new String(query.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(query.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(query.exitValue()).as(printed).isZero();
        assertThat(printed).contains("e2e.clicks").containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  7\\n");

        Process elsewhere = RunningStatspipe.launcher("query", "e2e.clicks", "--data-dir", dir.resolve("no-such-data").toString(),
                "--url", "http://127.0.0.1:" + statspipe.apiPort).redirectErrorStream(true).start();
        String refused = new String(elsewhere.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(elsewhere.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(elsewhere.exitValue()).isEqualTo(1);
        assertThat(refused).contains("401 missing bearer token", "sent no token", "admin.token");
    }

    @Test
    @Order(5)
    void statspipeSendExitsZeroOnlyOnceEveryLineIsAcknowledged() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2_500; i++) {
            lines.append("e2e.sent:1|c|#tenant:acme,n:").append(i % 10).append('\n');
        }
        Process send = RunningStatspipe.launcher("send", "--batch", "1000", "--url", "http://127.0.0.1:" + statspipe.apiPort)
                .start();
        send.getOutputStream().write(lines.toString().getBytes(StandardCharsets.UTF_8));
        send.getOutputStream().close();
        String printed = new String(send.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(send.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(send.exitValue()).as(printed).isZero();
        assertThat(printed).contains("2500 lines acknowledged");
        RunningStatspipe.awaitTrue("2500 counted", Duration.ofSeconds(60),
                () -> statspipe.total("metric=e2e.sent&from=-1h&to=now", ACME_TOKEN) == 2500.0);

        Process bad = RunningStatspipe.launcher("send", "--url", "http://127.0.0.1:" + statspipe.apiPort,
                "e2e.sent:1|c|#tenant:acme", "not a statsd line").redirectErrorStream(true).start();
        String refused = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(1);
        assertThat(refused).contains("1 lines acknowledged, 1 refused", "missing '|type'");
    }

    @Test
    @Order(6)
    void metricsAndStatusShowThePipelinesHealth() throws Exception {
        HttpResponse<String> metrics = statspipe.get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).containsPattern("statspipe_ingest_events_total [1-9]")
                .containsPattern("statspipe_flushes_total [1-9]").contains("statspipe_spool_records", "statspipe_consumer_lag",
                        "statspipe_deadletters_total");
        Process status = RunningStatspipe.launcher("status", "--url", "http://127.0.0.1:" + statspipe.apiPort)
                .redirectErrorStream(true).start();
        String printed = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(status.exitValue()).as(printed).isZero();
        assertThat(printed).contains("ready", "consumer lag", "spool", "dead-lettered", "late events");
    }

    @Test
    @Order(7)
    void tokensNeverAppearInWhatStatspipePrintsOrLogs() throws Exception {
        String all = RunningStatspipe.read(statspipe.out) + RunningStatspipe.read(statspipe.err);
        String localAdmin = Files.readString(statspipe.dataDir.resolve("admin.token")).strip();
        assertThat(localAdmin).isNotEmpty();
        assertThat(all).isNotEmpty().doesNotContain(ACME_TOKEN).doesNotContain(ADMIN_TOKEN).doesNotContain(localAdmin);
    }

    @Test
    @Order(8)
    void uniqueMembersOfADogStatsDSetAreCountedThroughTheApiAndTheCli() throws Exception {
        String q = "metric=e2e.users&kind=set&resolution=1h&from=-1h&to=now";
        try (StatsDClient client = new NonBlockingStatsDClientBuilder().hostname("127.0.0.1").port(statspipe.statsdPort)
                .enableTelemetry(false).originDetectionEnabled(false).enableAggregation(false).build()) {
            for (String user : List.of("alice", "bob", "alice", "carol", "bob")) {
                client.recordSetValue("e2e.users", user, "tenant:acme");
            }
            RunningStatspipe.awaitTrue("HTTP API answers 5 set members received for acme", Duration.ofSeconds(60),
                    () -> statspipe.total(q + "&aggregation=count", ACME_TOKEN) == 5.0);
        }
        assertThat(statspipe.total(q + "&aggregation=unique", ACME_TOKEN)).isEqualTo(3.0);
        HttpResponse<String> sum = statspipe.get("/api/v1/query?" + q + "&aggregation=sum", ACME_TOKEN);
        assertThat(sum.statusCode()).isEqualTo(400);
        assertThat(sum.body()).contains("answers 'unique' (distinct members) or 'count'");

        Process query = RunningStatspipe.launcher("query", "e2e.users", "--kind", "set", "--aggregation", "unique",
                "--resolution", "1h", "--url", "http://127.0.0.1:" + statspipe.apiPort, "--token", ACME_TOKEN)
                .redirectErrorStream(true).start();
        String printed = new String(query.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(query.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(query.exitValue()).as(printed).isZero();
        assertThat(printed).contains("e2e.users").containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  3\\n");
    }

    @Test
    @Order(9)
    void sigtermStopsEverythingAndLeavesNoProcessOrListenerBehind() throws Exception {
        List<ProcessHandle> tree = statspipe.process.descendants().toList();
        assertThat(tree).as("the KairosDB server runs as a child JVM").isNotEmpty();
        statspipe.process.destroy(); // SIGTERM
        assertThat(statspipe.process.waitFor(90, TimeUnit.SECONDS)).as(RunningStatspipe.tail(statspipe.err)).isTrue();
        RunningStatspipe.awaitTrue("every child process ended", Duration.ofSeconds(30),
                () -> tree.stream().noneMatch(ProcessHandle::isAlive));
        for (var port : statspipe.tcpPorts().entrySet()) {
            assertThat(RunningStatspipe.tcpPortFree(port.getValue())).as(port.getKey()).isTrue();
        }
        assertThat(RunningStatspipe.read(statspipe.err)).contains("statspipe: stopped");
    }

    /** KairosDB's own query API: the sum of the partials of a metric for one tenant. */
    static long kairosSum(String metric, String tenant) throws Exception {
        String body = "{\"start_absolute\":" + (STARTED - 3_600_000) + ",\"end_relative\":{\"value\":\"0\",\"unit\":\"seconds\"},"
                + "\"metrics\":[{\"name\":\"" + metric + "\",\"tags\":{\"tenant\":[\"" + tenant + "\"]},"
                + "\"aggregators\":[{\"name\":\"sum\",\"sampling\":{\"value\":\"1\",\"unit\":\"days\"}}]}]}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + statspipe.kairosPort + "/api/v1/datapoints/query"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long sum = 0;
        for (JsonNode v : JSON.readTree(r.body()).path("queries").get(0).path("results").get(0).path("values")) {
            sum += v.get(1).asLong();
        }
        return sum;
    }
}
