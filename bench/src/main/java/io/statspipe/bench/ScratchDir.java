package io.statspipe.bench;

import io.statspipe.ports.local.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary folder for a benchmark's engines, deleted with everything in it when closed: a
 * topology run leaves gigabytes of Kafka log behind. Open it before the engines, so that it is
 * closed after them.
 */
public final class ScratchDir implements AutoCloseable {
    private final Path path;

    private ScratchDir(Path path) {
        this.path = path;
    }

    public static ScratchDir create(String prefix) throws IOException {
        return new ScratchDir(Files.createTempDirectory(prefix));
    }

    public Path path() {
        return path;
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    @Override
    public void close() {
        try {
            Folders.deleteRecursively(path);
        } catch (IOException e) {
            // a file an engine still holds: the rest is deleted, and the OS cleans its temporary folder
            System.err.println("could not delete all of " + path + ": " + e);
        }
    }
}
