package io.statspipe.adapter.storm;

import io.statspipe.ports.local.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder where the libraries inside {@code statspipe up} keep their scratch files.
 *
 * <p>Storm's LocalCluster puts its Nimbus, Supervisor and metrics folders under
 * {@code java.io.tmpdir}, and RocksDB (its metrics store) unpacks a native library there. It has no
 * setting of its own for that folder and deletes them only on a clean stop, so every crash of
 * {@code up} would leave about 90 MB in /tmp for good. {@code up} therefore points
 * {@code java.io.tmpdir} at {@code <data-dir>/tmp/<pid>} and, when it starts, deletes the folders
 * of earlier processes that no longer run. A folder whose process still runs (another
 * {@code up}, or a reused PID) is left alone. Closing it deletes the folder and gives
 * {@code java.io.tmpdir} back, so that an {@code up} that fails to start leaves its JVM as it was.
 */
public final class ScratchFolder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScratchFolder.class);
    private static final String TMPDIR = "java.io.tmpdir";

    private final Path path;
    private final String previous;

    private ScratchFolder(Path path, String previous) {
        this.path = path;
        this.previous = previous;
    }

    /**
     * Deletes the scratch folders of stopped processes under {@code dataDir}, creates this
     * process's and makes it {@code java.io.tmpdir}. Call it before any library has started.
     */
    public static ScratchFolder claim(Path dataDir) throws IOException {
        Path parent = dataDir.resolve("tmp");
        Files.createDirectories(parent);
        long self = ProcessHandle.current().pid();
        try (Stream<Path> folders = Files.list(parent)) {
            for (Path folder : folders.toList()) {
                OptionalLong pid = pidOf(folder);
                if (pid.isPresent() && pid.getAsLong() != self && !running(pid.getAsLong())) {
                    Folders.deleteRecursively(folder);
                    LOG.info("deleted {}, the scratch folder of a statspipe that stopped without cleaning up", folder);
                }
            }
        }
        Path mine = Files.createDirectories(parent.resolve(Long.toString(self)));
        String previous = System.getProperty(TMPDIR);
        System.setProperty(TMPDIR, mine.toAbsolutePath().toString());
        return new ScratchFolder(mine, previous);
    }

    /** Gives {@code java.io.tmpdir} back and deletes the folder; what cannot be deleted, the next start will. */
    @Override
    public void close() {
        System.setProperty(TMPDIR, previous);
        try {
            Folders.deleteRecursively(path);
        } catch (IOException e) {
            LOG.warn("could not delete the scratch folder {} (the next start will): {}", path, e.toString());
        }
    }

    private static OptionalLong pidOf(Path folder) {
        String name = folder.getFileName().toString();
        if (!Files.isDirectory(folder) || name.isEmpty() || !name.chars().allMatch(Character::isDigit) || name.length() > 18) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(name));
    }

    private static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
