package io.statspipe.adapter.kairosdb.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server running in a JVM of its own: started with {@link ExitWithParent} as main class (so it
 * exits when this JVM dies), its output in a log file, stopped by its PID.
 */
final class ChildJvm {
    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread killOnExit;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        // A normal exit of this JVM (tests done, Ctrl-C) stops the child too; ExitWithParent covers kills.
        this.killOnExit = new Thread(() -> destroy(Duration.ofSeconds(10)), "stop-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    static ChildJvm start(String name, List<String> jvmOptions, List<Path> classpath, String mainClass,
                          List<String> arguments, Path workDir, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        command.add(ExitWithParent.class.getName());
        command.add(mainClass);
        command.addAll(arguments);
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            LOG.debug("started {} as PID {}: {}", name, process.pid(), command);
            return new ChildJvm(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " JVM", e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code ready} holds; fails with the log's tail when the JVM dies or time runs out. */
    void awaitReady(BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " (PID " + pid() + ") exited with code " + process.exitValue()
                        + " before it was ready; end of " + log + ":\n" + logTail(40));
            }
            if (System.nanoTime() > deadline) {
                destroy(Duration.ofSeconds(5));
                throw new IllegalStateException(name + " was not ready within " + timeout + "; end of " + log + ":\n"
                        + logTail(40));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    /** Asks the JVM to stop (SIGTERM, so the server's shutdown hooks run), kills it after {@code grace}. */
    void stop(Duration grace) {
        destroy(grace);
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to: nothing left to remove
        }
    }

    private void destroy(Duration grace) {
        Optional<ProcessHandle> handle = ProcessHandle.of(process.pid());
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return;
        }
        handle.get().destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} (PID {}) did not stop within {}: killing it", name, pid(), grace);
                handle.get().destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.get().destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    static boolean portOpen(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
