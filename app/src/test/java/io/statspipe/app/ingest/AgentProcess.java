package io.statspipe.app.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code statspipe agent} in a child JVM of its own, so that a test can kill it with SIGKILL; its
 * ports are read from the line it prints when ready, its log kept in {@code logs/<name>.log}.
 */
public record AgentProcess(Process process, int statsdPort, int httpPort, String producer, Path log) {
    private static final Pattern READY = Pattern.compile("statspipe agent ready: statsd=(\\d+) http=(\\d+) producer=(\\S+)");

    /** An agent forwarding to {@code bootstrapServers}' {@code partitions} partitions, spooling in {@code spool}, on free ports. */
    public static AgentProcess start(Path logs, String name, String bootstrapServers, Path spool, int partitions) throws Exception {
        return start(logs, name, "--kafka", bootstrapServers, "--spool", spool.toString(),
                "--partitions", String.valueOf(partitions), "--statsd-port", "0", "--http-port", "0");
    }

    /** {@code statspipe agent} with these options. */
    public static AgentProcess start(Path logs, String name, String... options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "-Djava.net.preferIPv4Stack=true", "-Dlog4j2.configurationFile=log4j2-test.xml",
                "io.statspipe.app.StatspipeCommand", "agent"));
        command.addAll(List.of(options));
        Path log = logs.resolve(name + ".log");
        Files.createDirectories(logs);
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
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
            return new AgentProcess(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3), log);
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("agent did not start; log: " + Files.readString(log), e);
        }
    }

    /** SIGKILL to this PID, waiting until it is gone. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM to this PID (a graceful stop), SIGKILL if it is not gone after 30 s. */
    public void end() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
