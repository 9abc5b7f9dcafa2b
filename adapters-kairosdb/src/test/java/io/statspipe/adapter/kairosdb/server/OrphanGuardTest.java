package io.statspipe.adapter.kairosdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server JVM never outlives the JVM that started it, even when that one is killed with
 * SIGKILL (no shutdown hook runs): it sees its standard input close and exits.
 */
class OrphanGuardTest {

    @Test
    void aChildJvmExitsWhenItsParentIsKilled(@TempDir Path dir) throws Exception {
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ParentThatStartsAChild.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        long childPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("child "));
            assertThat(line).as("the parent reports its child's PID").isNotNull();
            childPid = Long.parseLong(line.substring("child ".length()).trim());
            Optional<ProcessHandle> child = ProcessHandle.of(childPid);
            assertThat(child).isPresent();
            assertThat(child.get().isAlive()).isTrue();

            parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            try {
                Awaitility.await("child PID " + childPid + " ends after its parent was killed").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100)).until(() -> !child.get().isAlive());
            } finally {
                child.get().destroyForcibly(); // do not leave it behind even when the test fails
            }
        }
    }

    /** Run in a JVM of its own: starts a child that would sleep for an hour, reports its PID, waits. */
    public static final class ParentThatStartsAChild {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            List<Path> classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                    .map(Path::of).toList();
            ChildJvm child = ChildJvm.start("sleeper", List.of("-Xmx32m"), classpath, SleepForAnHour.class.getName(),
                    List.of(), dir, dir.resolve("sleeper.log"));
            System.out.println("child " + child.pid());
            System.out.flush();
            Thread.sleep(Duration.ofHours(1).toMillis());
        }
    }

    /** Stands for a server: does nothing for an hour. */
    public static final class SleepForAnHour {
        public static void main(String[] args) throws Exception {
            Thread.sleep(Duration.ofHours(1).toMillis());
        }
    }
}
