package io.statspipe.app.launcher;

import static io.statspipe.app.launcher.RunningStatspipe.ACME_TOKEN;
import static io.statspipe.app.launcher.RunningStatspipe.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code statspipe up} while stats flow: the next {@code ./statspipe up} on the same
 * data folder and ports starts without any clean-up, and every line {@code statspipe send} had
 * acknowledged is counted exactly once.
 */
class CrashRecoveryTest {
    static final int BATCH = 50;

    @TempDir
    Path dir;
    RunningStatspipe statspipe;
    Process restarted;

    @AfterEach
    void cleanUp() {
        if (statspipe != null) {
            statspipe.forceStop();
        }
    }

    @Test
    void acknowledgedLinesAreCountedExactlyOnceAfterAKillAndARestart() throws Exception {
        statspipe = new RunningStatspipe(dir).start();
        statspipe.awaitHealthy(Duration.ofMinutes(4));
        List<ProcessHandle> children = statspipe.process.descendants().toList();

        Path sendErr = dir.resolve("send.err");
        // Every line carries the number of its send batch, so each batch's count can be checked on its own.
        Process send = RunningStatspipe.launcher("send", "--batch", "" + BATCH, "--url",
                "http://127.0.0.1:" + statspipe.apiPort).redirectError(sendErr.toFile()).start();
        Thread writer = new Thread(() -> {
            try (OutputStream in = send.getOutputStream()) {
                for (int line = 0; ; line++) {
                    in.write(("crash.events:1|c|#tenant:acme,b:" + (line / BATCH) + "\n").getBytes(StandardCharsets.UTF_8));
                    if (line % BATCH == BATCH - 1) {
                        in.flush();
                        Thread.sleep(5);
                    }
                }
            } catch (IOException | InterruptedException endOfSend) {
                // send exited (its statspipe was killed): stop writing.
            }
        });
        writer.setDaemon(true);
        writer.start();

        RunningStatspipe.awaitTrue("some batches acknowledged and counted", Duration.ofSeconds(60), () -> {
            assertThat(statspipe.process.isAlive()).as("statspipe up ended: %s", RunningStatspipe.tail(statspipe.err)).isTrue();
            if (!send.isAlive()) {
                throw new AssertionError("send ended early (exit " + send.exitValue() + "): " + RunningStatspipe.read(sendErr));
            }
            double total = statspipe.total("metric=crash.events&from=-1h&to=now", ACME_TOKEN);
            return total >= 20 * BATCH;
        });
        // Storm's LocalCluster keeps its folders in the scratch folder of this process, not in /tmp.
        Path scratch = statspipe.dataDir.resolve("tmp").resolve(Long.toString(statspipe.process.pid()));
        try (Stream<Path> inScratch = Files.list(scratch)) {
            assertThat(inScratch.count()).as("folders in %s", scratch).isPositive();
        }
        statspipe.process.destroyForcibly(); // SIGKILL, while send keeps sending
        assertThat(statspipe.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(send.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String sendSaid = RunningStatspipe.read(sendErr);
        assertThat(send.exitValue()).as(sendSaid).isEqualTo(2);
        Matcher m = Pattern.compile("(\\d+) lines acknowledged").matcher(sendSaid);
        assertThat(m.find()).as(sendSaid).isTrue();
        long acknowledged = Long.parseLong(m.group(1));
        assertThat(acknowledged % BATCH).isZero();
        long fullBatches = acknowledged / BATCH;
        assertThat(fullBatches).isGreaterThanOrEqualTo(20);

        // The killed process's child JVMs end by themselves; nothing needs cleaning up by hand.
        RunningStatspipe.awaitTrue("child processes of the killed statspipe ended", Duration.ofSeconds(60),
                () -> children.stream().noneMatch(ProcessHandle::isAlive));

        statspipe.start();
        statspipe.awaitHealthy(Duration.ofMinutes(4));
        // What the killed process could not delete, the next start did.
        assertThat(scratch).doesNotExist();

        // Acknowledged batches hold exactly BATCH each; the one in flight at the kill 0 or BATCH (a batch
        // is spooled whole or not at all); nothing else exists.
        RunningStatspipe.awaitTrue("every acknowledged batch counted", Duration.ofSeconds(120),
                () -> countsByBatch().entrySet().stream().filter(e -> e.getKey() < fullBatches)
                        .filter(e -> e.getValue() == BATCH).count() == fullBatches);
        Map<Long, Long> counts = countsByBatch();
        for (long b = 0; b < fullBatches; b++) {
            assertThat(counts.get(b)).as("batch %d", b).isEqualTo(BATCH);
        }
        assertThat(counts.keySet()).allMatch(b -> b <= fullBatches);
        assertThat(counts.getOrDefault(fullBatches, 0L)).isIn(0L, (long) BATCH);
    }

    Map<Long, Long> countsByBatch() throws Exception {
        HttpResponse<String> r = statspipe.get("/api/v1/query?metric=crash.events&from=-1h&to=now&group_by=b", ACME_TOKEN);
        Map<Long, Long> counts = new TreeMap<>();
        if (r.statusCode() != 200) {
            return counts;
        }
        for (JsonNode g : JSON.readTree(r.body()).path("results")) {
            long sum = 0;
            for (JsonNode p : g.path("points")) {
                sum += p.get(1).asLong();
            }
            counts.put(Long.parseLong(g.path("group").path("b").asText()), sum);
        }
        return counts;
    }
}
