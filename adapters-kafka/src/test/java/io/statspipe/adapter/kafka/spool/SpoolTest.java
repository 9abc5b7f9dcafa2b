package io.statspipe.adapter.kafka.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    private static byte[] payload(long sequence) {
        return ("batch-" + sequence).getBytes(StandardCharsets.UTF_8);
    }

    private static List<Long> readAll(Spool spool) {
        List<Long> sequences = new ArrayList<>();
        List<SpooledRecord> got;
        while (!(got = spool.read(100, 1 << 20, Duration.ofMillis(50))).isEmpty()) {
            for (SpooledRecord r : got) {
                assertThat(r.payload()).isEqualTo(payload(r.sequence()));
                sequences.add(r.sequence());
            }
        }
        return sequences;
    }

    @Test
    void recordsAreReadInSequenceAndForgottenOnceAcknowledged() {
        SpoolSettings settings = SpoolSettings.defaults(dir).withMaxBytes(1 << 20, 4096);
        try (Spool spool = Spool.open(settings)) {
            for (int i = 0; i < 300; i++) {
                spool.append(2, payloads());
            }
            assertThat(spool.stats().unsentBatches()).isEqualTo(300);
            assertThat(spool.stats().unsentEvents()).isEqualTo(600);
            spool.awaitDurable(299); // readers see durable records only: on a busy machine the sync can lag
            assertThat(readAll(spool)).containsExactlyElementsOf(range(0, 300));
            spool.acknowledgeRead();
            assertThat(spool.stats().unsentBatches()).isZero();
            assertThat(spool.stats().unsentEvents()).isZero();
            assertThat(spool.stats().oldestUnsentMillis()).isEqualTo(-1);
        }
        assertThat(segments()).as("acknowledged segments are deleted, the active one stays").hasSize(1);
    }

    @Test
    void reopeningKeepsTheProducerIdAndResendsWhatWasNotAcknowledged() {
        SpoolSettings settings = SpoolSettings.defaults(dir).withMaxBytes(1 << 20, 4096);
        String producer;
        try (Spool spool = Spool.open(settings)) {
            producer = spool.producerId();
            for (int i = 0; i < 100; i++) {
                spool.append(1, payloads());
            }
            spool.awaitDurable(99); // readers see durable records only
            assertThat(spool.read(40, 1 << 20, Duration.ofSeconds(1))).hasSize(40);
            spool.acknowledgeRead();
            spool.read(10, 1 << 20, Duration.ofSeconds(1)); // read, never acknowledged
        }
        try (Spool spool = Spool.open(settings)) {
            assertThat(spool.producerId()).isEqualTo(producer);
            assertThat(spool.stats().unsentBatches()).isEqualTo(60);
            assertThat(spool.stats().oldestUnsentMillis()).isPositive();
            assertThat(spool.append(1, payloads())).as("sequences continue").isEqualTo(100);
            spool.awaitDurable(100);
            assertThat(readAll(spool)).containsExactlyElementsOf(range(40, 101));
        }
    }

    @Test
    void aSpoolFolderCopiedElsewhereTakesANewProducerIdWhileTheOriginalKeepsItsOwn() throws IOException {
        Path original = dir.resolve("original");
        Path copy = dir.resolve("copy");
        String producer;
        try (Spool spool = Spool.open(SpoolSettings.defaults(original).withFsyncInterval(Duration.ZERO))) {
            producer = spool.producerId();
            spool.append(1, payloads());
        }
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(original)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }

        String copied;
        try (Spool spool = Spool.open(SpoolSettings.defaults(copy).withFsyncInterval(Duration.ZERO))) {
            copied = spool.producerId();
            assertThat(spool.append(1, payloads())).as("sequences continue in the copy").isEqualTo(1);
        }

        assertThat(copied).isNotEqualTo(producer).startsWith("agent-");
        try (Spool spool = Spool.open(SpoolSettings.defaults(original))) {
            assertThat(spool.producerId()).isEqualTo(producer);
        }
        try (Spool spool = Spool.open(SpoolSettings.defaults(copy))) {
            assertThat(spool.producerId()).as("the copy keeps the id it took").isEqualTo(copied);
        }
    }

    @Test
    void aTornTailIsTruncatedAtRecoveryAndSequencesContinue() throws IOException {
        SpoolSettings settings = SpoolSettings.defaults(dir);
        try (Spool spool = Spool.open(settings)) {
            for (int i = 0; i < 10; i++) {
                spool.append(1, payloads());
            }
        }
        Path segment = segments().get(segments().size() - 1);
        long goodSize = Files.size(segment);
        // a record header promising 100 bytes, followed by only 7 of them: a write cut by a crash
        Files.write(segment, new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9, 9}, StandardOpenOption.APPEND);

        try (Spool spool = Spool.open(settings)) {
            assertThat(spool.stats().truncatedBytes()).isEqualTo(15);
            assertThat(Files.size(segment)).isEqualTo(goodSize);
            assertThat(spool.append(1, payloads())).isEqualTo(10);
            spool.awaitDurable(10);
            assertThat(readAll(spool)).containsExactlyElementsOf(range(0, 11));
        }
    }

    @Test
    void aCorruptRecordEndsTheValidPartOfItsSegment() throws IOException {
        SpoolSettings settings = SpoolSettings.defaults(dir);
        try (Spool spool = Spool.open(settings)) {
            for (int i = 0; i < 10; i++) {
                spool.append(1, payloads());
            }
        }
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x55; // flip bits in the last record's payload
        Files.write(segment, bytes);

        try (Spool spool = Spool.open(settings)) {
            assertThat(readAll(spool)).containsExactlyElementsOf(range(0, 9));
            assertThat(spool.stats().truncatedBytes()).isPositive();
        }
    }

    @Test
    void aReadErrorNeverMovesThePositionPastARecordItDidNotHandOut() throws IOException {
        try (Spool spool = Spool.open(SpoolSettings.defaults(dir).withFsyncInterval(Duration.ZERO))) {
            Path segment = threeRecords(spool);
            byte[] whole = Files.readAllBytes(segment);
            // the disk fails inside the second record: reading it ends in an IOException
            try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                channel.truncate(whole.length / 3 + 10);
            }
            List<Long> handedOut = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    spool.read(100, 1 << 20, Duration.ofMillis(50)).forEach(r -> handedOut.add(r.sequence()));
                } catch (UncheckedIOException e) {
                    errors.add(e.getMessage());
                }
            }
            Files.write(segment, whole); // the disk answers again

            handedOut.addAll(readAll(spool));

            assertThat(errors).isNotEmpty();
            assertThat(handedOut).as("every record handed out once, in order").containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void aRecordCorruptOnDiskIsHandedOutWithItsReasonInsteadOfSkipped() throws IOException {
        try (Spool spool = Spool.open(SpoolSettings.defaults(dir).withFsyncInterval(Duration.ZERO))) {
            Path segment = threeRecords(spool);
            // bits flipped in the second record's payload, after it was durable
            byte[] bytes = flipped(segment, length -> 2 * length / 3 - 2, 0x55);

            List<SpooledRecord> got = spool.read(100, 1 << 20, Duration.ofMillis(50));

            assertThat(got).extracting(SpooledRecord::sequence).containsExactly(0L, 1L, 2L);
            assertThat(got.get(0).corruption()).isEmpty();
            assertThat(got.get(1).corruption()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("spool record 1 at " + segment.getFileName() + ":" + bytes.length / 3)
                    .contains("checksum"));
            assertThat(got.get(1).payload()).as("the record's bytes as the disk holds them")
                    .hasSize(bytes.length / 3);
            assertThat(got.get(2).payload()).isEqualTo(payload(2));
        }
    }

    @Test
    void aCorruptRecordWhoseEndCannotBeFoundStopsTheReaderWithTheReason() throws IOException {
        try (Spool spool = Spool.open(SpoolSettings.defaults(dir).withFsyncInterval(Duration.ZERO))) {
            Path segment = threeRecords(spool);
            // the second record's length: where the third begins is lost
            byte[] bytes = flipped(segment, length -> length / 3 + 3, 0x01);

            assertThat(spool.read(1, 1 << 20, Duration.ofMillis(50))).extracting(SpooledRecord::sequence)
                    .containsExactly(0L);
            assertThatThrownBy(() -> spool.read(100, 1 << 20, Duration.ofMillis(50)))
                    .isInstanceOf(SpoolCorruptException.class)
                    .hasMessageContaining("spool record 1 at " + segment.getFileName() + ":" + bytes.length / 3)
                    .hasMessageContaining("forwarding stops");
        }
    }

    @Test
    void aFullSpoolRefusesNewBatchesAndCountsThem() {
        SpoolSettings settings = SpoolSettings.defaults(dir).withMaxBytes(8192, 4096);
        try (Spool spool = Spool.open(settings)) {
            long accepted = 0;
            long refused = 0;
            for (int i = 0; i < 1000; i++) {
                try {
                    spool.append(3, s -> new byte[100]);
                    accepted++;
                } catch (SpoolFullException e) {
                    assertThat(e).hasMessageContaining("spool full");
                    refused++;
                }
            }
            assertThat(accepted).isPositive();
            assertThat(refused).isEqualTo(1000 - accepted);
            assertThat(spool.stats().refusedBatches()).isEqualTo(refused);
            assertThat(spool.stats().refusedEvents()).isEqualTo(3 * refused);
            assertThat(spool.stats().bytesOnDisk()).isLessThanOrEqualTo(8192);
            assertThat(spool.stats().unsentEvents()).isEqualTo(3 * accepted);
        }
    }

    @Test
    void awaitDurableReturnsAfterTheGroupCommitAndPerAppendSyncWorksToo() {
        for (Duration interval : List.of(Duration.ZERO, Duration.ofMillis(20))) {
            Path folder = dir.resolve("fsync-" + interval.toMillis());
            try (Spool spool = Spool.open(SpoolSettings.defaults(folder).withFsyncInterval(interval))) {
                long sequence = spool.append(1, payloads());
                spool.awaitDurable(sequence);
                assertThat(spool.read(10, 1 << 20, Duration.ofSeconds(5))).extracting(SpooledRecord::sequence).containsExactly(0L);
            }
        }
    }

    @Test
    void settingsNameTheRuleTheyBreak() {
        assertThatThrownBy(() -> SpoolSettings.defaults(dir).withMaxBytes(5000, 4096))
                .hasMessage("spool max size 5000 must be at least two segments (2 x 4096)");
    }

    /** Appends three records of one size, durable at once, into the one segment it returns. */
    private Path threeRecords(Spool spool) {
        for (int i = 0; i < 3; i++) {
            spool.append(1, payloads());
        }
        return segments().get(0);
    }

    /** Flips {@code mask} in the segment's byte at {@code where(size)}; returns the bytes now on disk. */
    private static byte[] flipped(Path segment, java.util.function.IntUnaryOperator where, int mask) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        bytes[where.applyAsInt(bytes.length)] ^= (byte) mask;
        Files.write(segment, bytes);
        return bytes;
    }

    private static java.util.function.LongFunction<byte[]> payloads() {
        return SpoolTest::payload;
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    private List<Path> segments() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
