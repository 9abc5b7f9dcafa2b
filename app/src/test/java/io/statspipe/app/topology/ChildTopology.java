package io.statspipe.app.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        Files.createDirectories(workDir);
        Path log = workDir.resolve("topology.log");
        // A killed LocalCluster cannot delete its folders: keep them in the test's folder, not in /tmp.
        Path scratch = Files.createDirectories(workDir.resolve("tmp"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx768m", "-XX:+UseSerialGC",
                "-Djava.net.preferIPv4Stack=true", "-Dlog4j2.configurationFile=log4j2-test.xml",
                "-Djava.io.tmpdir=" + scratch, "-cp", System.getProperty("java.class.path"),
                TopologyProcess.class.getName(), bootstrapServers, kairosUrl, workDir.resolve("storm").toString(), Integer.toString(flushSeconds),
                Integer.toString(seriesLimitPerTenant)));
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildTopology(builder.start(), log);
    }

    /** Waits until the child's log holds {@code text} (or the child died, or the time is up). */
    boolean awaitLog(String text, java.time.Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
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
