package io.statspipe.migration;

import io.statspipe.ports.out.ProgressPort;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Job progress and the migration ledger as a properties file in the data folder, replaced
 * atomically on every save (write a temporary file, then rename), so a crash leaves either the
 * old or the new content.
 */
public final class FileProgress implements ProgressPort {
    private final Path file;

    public FileProgress(Path file) {
        this.file = LocalFiles.inCreatedFolder(file);
    }

    @Override
    public synchronized Optional<String> load(String job) {
        return Optional.ofNullable(read().getProperty(job));
    }

    @Override
    public synchronized void save(String job, String position) {
        Properties p = read();
        p.setProperty(job, position);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "statspipe job progress");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file, e);
        }
    }

    private Properties read() {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return p;
    }
}
