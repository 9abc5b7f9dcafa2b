package io.statspipe.migration;

import io.statspipe.domain.Phase;
import io.statspipe.ports.in.PhaseChange;
import io.statspipe.ports.out.PhaseStorePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The migration phase as an append-only file in the data folder ({@code migration/phases}), one
 * change per line: {@code from to at-millis base64(who) base64(why)}. Shared by the running
 * pipeline (which reads it on every flush) and {@code statspipe migrate} on the same machine; a
 * file lock makes {@link #record}'s compare-and-append atomic between processes.
 */
public final class FilePhaseStore implements PhaseStorePort {
    private final Path file;

    public FilePhaseStore(Path file) {
        this.file = LocalFiles.inCreatedFolder(file);
    }

    @Override
    public Phase current() {
        List<PhaseChange> history = history();
        return history.isEmpty() ? Phase.LEGACY_ONLY : history.get(history.size() - 1).to();
    }

    @Override
    public void record(PhaseChange change) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND); FileLock lock = channel.lock()) {
            Phase now = current();
            if (now != change.from()) {
                throw new IllegalStateException("the phase changed meanwhile: it is " + now + ", not " + change.from());
            }
            Base64.Encoder b64 = Base64.getUrlEncoder();
            String line = change.from() + " " + change.to() + " " + change.at().toEpochMilli() + " "
                    + b64.encodeToString(change.who().getBytes(StandardCharsets.UTF_8)) + " "
                    + b64.encodeToString(change.why().getBytes(StandardCharsets.UTF_8)) + "\n";
            channel.write(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the phase change in " + file, e);
        }
    }

    @Override
    public List<PhaseChange> history() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<PhaseChange> changes = new ArrayList<>();
        Base64.Decoder b64 = Base64.getUrlDecoder();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length != 5) {
                    // A torn last line (crash while appending) is not a change.
                    continue;
                }
                changes.add(new PhaseChange(Phase.valueOf(f[0]), Phase.valueOf(f[1]), new String(b64.decode(f[3]),
                        StandardCharsets.UTF_8), Instant.ofEpochMilli(Long.parseLong(f[2])),
                        new String(b64.decode(f[4]), StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the phase history in " + file, e);
        }
        return changes;
    }
}
