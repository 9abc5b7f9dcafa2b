package io.statspipe.app.topology;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/** Starts {@link TopologyProcess} as a child JVM and kills it hard, by PID. */
final class ChildTopology implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildTopology(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildTopology start(String bootstrapServers, String kairosUrl, Path workDir, int flushSeconds)
            throws IOException {
        return start(bootstrapServers, kairosUrl, workDir, flushSeconds, 0);
    }

    /** With a limit of distinct series per tenant over every partition ({@code 0}: the default limits). */
    static ChildTopology start(String bootstrapServers, String kairosUrl, Path workDir, int flushSeconds,
                               int seriesLimitPerTenant) throws IOException {
        return start(bootstrapServers, kairosUrl, workDir, List.of(Integer.toString(flushSeconds),
                Integer.toString(seriesLimitPerTenant)));
    }

    /** A topology that halts itself at {@code point} once {@code armAfter} flushes were durable (see {@link HaltingPlugs}). */
    static ChildTopology startHaltingAt(KillPoint point, int armAfter, String bootstrapServers, String kairosUrl,
                                        Path workDir, int flushSeconds) throws IOException {
        return start(bootstrapServers, kairosUrl, workDir, List.of(Integer.toString(flushSeconds), "0",
                "kill-at=" + point.argName(), "arm-after=" + armAfter));
    }

    private static ChildTopology start(String bootstrapServers, String kairosUrl, Path workDir, List<String> args)
            throws IOException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve("topology.log");
        // A killed LocalCluster cannot delete its folders: keep them in the test's folder, not in /tmp.
        Path scratch = Files.createDirectories(workDir.resolve("tmp"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx768m", "-XX:+UseSerialGC",
                "-Djava.net.preferIPv4Stack=true", "-Dlog4j2.configurationFile=log4j2-test.xml",
                "-Djava.io.tmpdir=" + scratch, "-cp", System.getProperty("java.class.path"),
                TopologyProcess.class.getName(), bootstrapServers, kairosUrl, workDir.resolve("storm").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildTopology(builder.start(), log);
    }

    /** Waits until the child's log holds {@code text} (or the child died, or the time is up). */
    boolean awaitLog(String text, java.time.Duration within) throws IOException {
        try {
            await().atMost(within).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> logHolds(text) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            return false;
        }
        return logHolds(text);
    }

    private boolean logHolds(String text) throws IOException {
        return Files.exists(log) && Files.readString(log).contains(text);
    }

    /** Waits until the child exits by itself; its exit status, or empty when it still runs after {@code within}. */
    OptionalInt awaitExit(java.time.Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    long pid() {
        return process.pid();
    }

    /** kill -9: no shutdown hook, no flush, no cleanup runs. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            killHard();
        }
    }
}
