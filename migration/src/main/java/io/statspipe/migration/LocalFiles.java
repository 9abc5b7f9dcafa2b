package io.statspipe.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The file-backed stores' one shared step: the folder of their file exists before they use it. */
final class LocalFiles {
    private LocalFiles() {
    }

    /** Creates the folder {@code file} lives in, and returns {@code file}. */
    static Path inCreatedFolder(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + file, e);
        }
    }
}
