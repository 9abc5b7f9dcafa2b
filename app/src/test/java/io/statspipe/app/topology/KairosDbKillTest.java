package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection matrix's KairosDB cell: {@link FaultInjectionContract}'s traffic and
 * comparison, with KairosDB over a real Cassandra killed with SIGKILL mid-flush and restarted on
 * the same Cassandra and port, {@value #KILLS_AFTER_ACKNOWLEDGED_WRITE} times right after it
 * answered a write call (204: the points are in its memory queue, maybe not yet in Cassandra,
 * which is the case the committer's read-back is there to catch) and
 * {@value #KILLS_AT_RANDOM} times at a random moment. The topology runs in this JVM (so that
 * {@link AcknowledgedWrites} can tell the test when a write returned) and lives through every
 * kill. Six to ten minutes here, so it runs on request ({@code -Dstatspipe.faults.kairoskill=true}).
 */
@EnabledIfSystemProperty(named = "statspipe.faults.kairoskill", matches = "true")
class KairosDbKillTest {
    static final int KILLS_AFTER_ACKNOWLEDGED_WRITE = 3;
    static final int KILLS_AT_RANDOM = 2;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onCassandra();

    @Test
    void kairosDbKilledRightAfterAnsweringWritesAndAtRandomLosesAndDoublesNothingOnCassandra() throws Exception {
        LocalKairosDb kairos = KAIROS.kairos();
        String url = kairos.httpUrl();
        FaultInjectionContract.Traffic traffic =
                FaultInjectionContract.Traffic.start(KAFKA.engine(), "kairoskill", 350);
        Random random = traffic.random();
        TopologySettings settings = TopologyProcess.settings(KAFKA.engine().bootstrapServers(), Duration.ofSeconds(5));
        try (LocalTopologyRunner topology = LocalTopologyRunner.start(settings,
                AcknowledgedWrites.wrap(KairosTopologyPlugs.of(url)), dir.resolve("storm"))) {
            int kills = KILLS_AFTER_ACKNOWLEDGED_WRITE + KILLS_AT_RANDOM;
            for (int kill = 1; kill <= kills; kill++) {
                // Kill while it writes: once a flush was completed since KairosDB last started.
                long flushes = topology.health().flushes();
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> topology.health().flushes() > flushes);
                String killed;
                if (kill <= KILLS_AFTER_ACKNOWLEDGED_WRITE) {
                    CompletableFuture<String> afterWrite = new CompletableFuture<>();
                    AcknowledgedWrites.onNextAcknowledged((origin, partials) -> {
                        try {
                            afterWrite.complete(killHard(kairos) + ", right after it answered a write of " + partials
                                    + " partials of " + origin.stream() + " flush " + origin.seq());
                        } catch (RuntimeException e) {
                            afterWrite.completeExceptionally(e);
                        }
                    });
                    killed = afterWrite.get(2, TimeUnit.MINUTES);
                } else {
                    Thread.sleep(random.nextInt(5_000));
                    killed = killHard(kairos) + ", at random";
                }
                System.out.println("kill " + kill + " of " + kills + ": " + killed
                        + (traffic.flowing() ? "" : " (the traffic had ended)"));
                Thread.sleep(random.nextInt(3_000)); // down for a moment: the committer's writes fail meanwhile
                kairos.stop(); // forgets the killed process
                kairos.start();
                System.out.println("KairosDB back at " + kairos.httpUrl() + " (PID " + kairos.pid() + ")");
            }
            FaultInjectionContract.assertEveryBucketStored(traffic, url, "KairosDB log " + dir.resolve("kairosdb"));
            long rewrites = topology.health().readBackRewrites();
            System.out.println("flushes the read-back found missing in Cassandra and wrote again: " + rewrites
                    + "; failed store attempts: " + topology.health().storeFailures());
            assertThat(rewrites).as("flushes KairosDB acknowledged and lost, caught by the read-back").isPositive();
        }
    }

    /** kill -9 of KairosDB by its PID; what was killed and when. */
    private static String killHard(LocalKairosDb kairos) {
        long pid = kairos.pid();
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().join();
        return "kill -9 KairosDB (PID " + pid + ") at " + Instant.now();
    }
}
