package io.statspipe.app.launcher;

import static io.statspipe.app.launcher.RunningStatspipe.ACME_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.app.topology.DeadLetterTopic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client's poison line cannot stop anyone else's counting: {@code 1e308|ms|@0.5} (a sum of
 * Infinity, once) is refused with its reason and dead-lettered, and the counts sent after it are
 * queryable within the flush interval plus 3 s; the same after {@code statspipe up} restarts on
 * the same data.
 */
class PoisonInputTest {
    /** RunningStatspipe's flush interval (1 s) plus 3 s. */
    static final Duration FRESH_WITHIN = Duration.ofSeconds(4);
    static final String POISON = "poison:1e308|ms|@0.5|#tenant:acme";

    @TempDir
    Path dir;
    RunningStatspipe statspipe;

    @AfterEach
    void cleanUp() {
        if (statspipe != null) {
            statspipe.forceStop();
        }
    }

    @Test
    void aPoisonLineIsDeadLetteredAndEveryoneElseKeepsCountingAcrossARestart() throws Exception {
        statspipe = new RunningStatspipe(dir).start();
        statspipe.awaitHealthy(Duration.ofMinutes(4));
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
        await("the 8 counts after the poison line").atMost(FRESH_WITHIN).pollInterval(Duration.ofMillis(100))
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
