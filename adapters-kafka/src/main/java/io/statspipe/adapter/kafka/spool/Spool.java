package io.statspipe.adapter.kafka.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable, append-only log of batches on local disk: the "store" of store-and-forward.
 *
 * <p>Layout of the folder: {@code producer} (this spool's durable producer id), segment files
 * {@code <first sequence>.seg}, and {@code acknowledged} (the highest sequence the forwarder
 * has delivered). A segment is a run of records
 * {@code [int length][int crc32c(body)][body]}, body = {@code [long sequence][long spooledAt]
 * [int events][payload]}. Sequences increase by one from record to record and never repeat,
 * also across restarts: they are the batch ids' sequences.
 *
 * <p>Durability: appends are group-committed by a syncer thread every
 * {@link SpoolSettings#fsyncInterval()} (or forced inside the append when it is zero);
 * {@link #awaitDurable} returns once a sequence is on disk. Readers only ever see durable
 * records, so a sequence that reached Kafka can never be reused after a power loss. The next
 * sequence is derived at recovery from the acknowledged position and the segments (each named
 * by its first sequence), so what keeps it from going backwards is the order of writes: a new
 * segment's folder entry is forced before records go into it, and the acknowledged position is
 * forced before the segments it frees are deleted. Forcing it also keeps re-sends after a power
 * loss within the last window, where consumers drop them silently.
 *
 * <p>The producer id belongs to the folder where it was made: {@code producer.host} holds the
 * host and the folder's path at that moment, and a folder found elsewhere (copied to a second
 * host, or beside the original) takes a new producer id, since two agents sending under one id
 * and overlapping sequences would lose batches to de-duplication.
 *
 * <p>Recovery on open scans every segment and truncates it at the first record that is torn
 * (short, bad length, bad checksum, out-of-sequence): such a record was never durable, hence
 * never acknowledged to anyone.
 *
 * <p>Threads: any number of appenders; one reader (the forwarder) calls {@link #read} and
 * {@link #acknowledgeRead}.
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final int HEADER = 8;
    private static final int BODY_HEADER = 20;
    private static final int MAX_BODY = 64 << 20;
    private static final String SUFFIX = ".seg";
    /** Set in a record's event count when the next record belongs to the same {@link #appendAll} group. */
    private static final int GROUP_CONTINUES = 0x8000_0000;
    private static final int EVENTS = 0x7fff_ffff;

    private final SpoolSettings settings;
    private final String producerId;
    private final Object lock = new Object();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Thread syncer;
    private Segment active;
    private FileChannel activeChannel;
    private long nextSequence;
    private long writtenSequence;
    private long durableSequence;
    private long acknowledgedSequence;
    private long unsentBatches;
    private long unsentEvents;
    private long bytesOnDisk;
    private long refusedBatches;
    private long refusedEvents;
    private long truncatedBytes;
    private Position head;
    private boolean closed;
    private boolean refusing;
    private volatile BeforeDeleting beforeDeleting = sequence -> { };
    // reader state, used by the single reader thread (and stats() for the head)
    private Position readAt;
    private long readEvents;
    private long readBatches;
    private FileChannel readChannel;
    private long readChannelSegment = -1;

    private static final class Segment {
        final long firstSequence;
        final Path path;
        long size;

        Segment(long firstSequence, Path path, long size) {
            this.firstSequence = firstSequence;
            this.path = path;
            this.size = size;
        }
    }

    /** A record boundary: the segment (by first sequence), the byte offset in it, the sequence found there. */
    private record Position(long segment, long offset, long sequence) {
    }

    private Spool(SpoolSettings settings) throws IOException {
        this.settings = settings;
        Files.createDirectories(settings.dir());
        this.producerId = loadOrCreateProducerId(settings.dir());
        recover();
        if (settings.fsyncInterval().isZero()) {
            syncer = null;
        } else {
            syncer = new Thread(this::syncLoop, "spool-sync");
            syncer.setDaemon(true);
            syncer.start();
        }
    }

    /** Opens (and recovers) the spool in {@code settings.dir()}, creating it when new. */
    public static Spool open(SpoolSettings settings) {
        try {
            return new Spool(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open spool in " + settings.dir(), e);
        }
    }

    /** This spool's producer id: stays the same for the life of the folder. */
    public String producerId() {
        return producerId;
    }

    public SpoolSettings settings() {
        return settings;
    }

    /** One record to append: its event count and its payload, built for the sequence it gets (the batch id's). */
    public record Pending(int events, LongFunction<byte[]> payloadForSequence) {
        public Pending {
            if (events < 0) {
                throw new IllegalArgumentException("a spool record holds 0 events or more, got " + events);
            }
        }
    }

    /**
     * Appends one record; the payload is built for the sequence it is given (the batch id's
     * sequence), under the append lock so sequences reach the disk in order.
     *
     * @return the record's sequence
     * @throws SpoolFullException when the record would take the spool beyond its maximum size
     */
    public long append(int events, LongFunction<byte[]> payloadForSequence) {
        return appendAll(List.of(new Pending(events, payloadForSequence)));
    }

    /**
     * Appends the records as one group, all or nothing: they get consecutive sequences and are
     * written in one write to one segment; when they do not all fit, none is written; and a
     * crash that tears the group leaves none of it after recovery (every record but the last
     * carries {@link #GROUP_CONTINUES}, and recovery truncates a group without its last record).
     *
     * @return the last record's sequence
     * @throws SpoolFullException when the records would take the spool beyond its maximum size
     */
    public long appendAll(List<Pending> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("spool in " + settings.dir() + " is closed");
            }
            long first = nextSequence;
            List<byte[]> payloads = new ArrayList<>(records.size());
            long bytes = 0;
            long events = 0;
            for (int i = 0; i < records.size(); i++) {
                byte[] payload = records.get(i).payloadForSequence().apply(first + i);
                int length = BODY_HEADER + payload.length;
                if (length > MAX_BODY) {
                    throw new IllegalArgumentException("spool record of " + length + " bytes exceeds " + MAX_BODY);
                }
                payloads.add(payload);
                bytes += HEADER + length;
                events += records.get(i).events();
            }
            if (bytesOnDisk + bytes > settings.maxBytes()) {
                throw refuse(records.size(), events);
            }
            if (refusing) {
                refusing = false;
                LOG.info("spool {} accepts batches again ({} bytes used); {} batches ({} events) were refused while full",
                        settings.dir(), bytesOnDisk, refusedBatches, refusedEvents);
            }
            try {
                // a group never spans segments, so that recovery can drop a torn one from its segment alone
                if (active.size + bytes > settings.segmentBytes() && active.size > 0) {
                    roll(first);
                }
                ByteBuffer group = ByteBuffer.allocate(Math.toIntExact(bytes));
                long spooledAt = System.currentTimeMillis();
                for (int i = 0; i < payloads.size(); i++) {
                    byte[] payload = payloads.get(i);
                    int start = group.position();
                    int length = BODY_HEADER + payload.length;
                    int flags = i < payloads.size() - 1 ? GROUP_CONTINUES : 0;
                    group.putInt(length).putInt(0).putLong(first + i).putLong(spooledAt)
                            .putInt(records.get(i).events() | flags).put(payload);
                    CRC32C crc = new CRC32C();
                    crc.update(group.array(), start + HEADER, length);
                    group.putInt(start + 4, (int) crc.getValue());
                }
                group.flip();
                while (group.hasRemaining()) {
                    activeChannel.write(group, active.size + group.position());
                }
                long last = first + records.size() - 1;
                if (head == null) {
                    head = new Position(active.firstSequence, active.size, first);
                }
                active.size += bytes;
                bytesOnDisk += bytes;
                nextSequence = last + 1;
                writtenSequence = last;
                unsentBatches += records.size();
                unsentEvents += events;
                if (syncer == null) {
                    activeChannel.force(false);
                    durableSequence = last;
                }
                lock.notifyAll();
                return last;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to spool " + active.path, e);
            }
        }
    }

    private SpoolFullException refuse(int batches, long events) {
        refusedBatches += batches;
        refusedEvents += events;
        refusing = true;
        // at the 1st, 2nd, 4th, 8th ... refused batch: visible, never flooding
        if (Long.numberOfLeadingZeros(refusedBatches - batches) != Long.numberOfLeadingZeros(refusedBatches)) {
            LOG.warn("spool {} is full ({} of {} bytes, {} events waiting): refused {} batches ({} events) so far",
                    settings.dir(), bytesOnDisk, settings.maxBytes(), unsentEvents, refusedBatches, refusedEvents);
        }
        return new SpoolFullException("spool full: " + bytesOnDisk + " of " + settings.maxBytes()
                + " bytes used, " + unsentEvents + " events waiting for Kafka; " + events + " events refused");
    }

    /**
     * Hands every record on disk to {@code each}, in sequence order, the acknowledged ones still
     * kept included (the agent rebuilds what it remembers of recent requests from them). Call it
     * before the reader starts: it uses the reader's file handles.
     */
    public void replay(Consumer<SpooledRecord> each) {
        List<Map.Entry<Long, Segment>> all;
        synchronized (lock) {
            all = new ArrayList<>(segments.entrySet());
        }
        try {
            for (int i = 0; i < all.size(); i++) {
                Segment segment = all.get(i).getValue();
                Long following = i + 1 < all.size() ? all.get(i + 1).getKey() : null;
                Position at = new Position(segment.firstSequence, 0, segment.firstSequence);
                long end;
                synchronized (lock) {
                    end = segment.size;
                }
                while (at.offset() < end) {
                    Read read = readRecord(at, end, following);
                    each.accept(read.record());
                    at = new Position(at.segment(), read.next(), read.record().sequence() + 1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay spool " + settings.dir(), e);
        } finally {
            closeReadChannel();
        }
    }

    /**
     * Runs {@code hook} before segments are deleted (under the spool's lock, in the reader's
     * thread), with the sequence below which records are about to go: what must outlive them
     * is written by then.
     */
    public void beforeDeleting(BeforeDeleting hook) {
        this.beforeDeleting = hook;
    }

    /** What runs before fully delivered segments are deleted. */
    @FunctionalInterface
    public interface BeforeDeleting {
        void recordsBelow(long sequence) throws IOException;
    }

    /** Waits until the record {@code sequence} is on disk. */
    public void awaitDurable(long sequence) {
        synchronized (lock) {
            while (durableSequence < sequence) {
                if (closed) {
                    throw new IllegalStateException("spool closed before sequence " + sequence + " was on disk");
                }
                waitOnLock(1000);
            }
        }
    }

    /**
     * Reads the next durable records after the ones already read (at most {@code maxRecords}
     * and about {@code maxBytes}), waiting up to {@code wait} for one to arrive.
     *
     * <p>The read position moves only past records handed out: when the disk fails on a record,
     * the records before it are returned and the next read starts at it again (an error before
     * any record is thrown). A record corrupt on disk (its checksum does not match) is handed out
     * with the reason ({@link SpooledRecord#corruption}) when the record after it is found where
     * its length says.
     *
     * @throws UncheckedIOException when the disk fails on the first record to read
     * @throws SpoolCorruptException when a record is corrupt and where the next begins is lost
     */
    public List<SpooledRecord> read(int maxRecords, long maxBytes, Duration wait) {
        long limit;
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            while (readAt.sequence() > durableSequence && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                waitOnLock(Math.max(1, left / 1_000_000));
            }
            if (closed) {
                return List.of();
            }
            limit = durableSequence;
        }
        List<SpooledRecord> out = new ArrayList<>();
        long bytes = 0;
        try {
            while (out.size() < maxRecords && bytes < maxBytes && readAt.sequence() <= limit) {
                long end;
                Long following;
                synchronized (lock) {
                    end = segments.get(readAt.segment()).size;
                    following = segments.higherKey(readAt.segment());
                }
                if (readAt.offset() >= end) {
                    if (following == null) {
                        break;
                    }
                    readAt = new Position(following, 0, readAt.sequence());
                    continue;
                }
                Read read = readRecord(readAt, end, following);
                SpooledRecord record = read.record();
                readAt = new Position(readAt.segment(), read.next(), record.sequence() + 1);
                readEvents += record.events();
                readBatches++;
                bytes += record.payload().length;
                out.add(record);
            }
        } catch (IOException e) {
            if (out.isEmpty()) {
                throw new UncheckedIOException("cannot read spool " + settings.dir() + " at sequence " + readAt.sequence(), e);
            }
            // hand out what was read; the next read starts again at the record the disk failed on
            LOG.debug("reading spool {} stopped at sequence {}", settings.dir(), readAt.sequence(), e);
        }
        return out;
    }

    /** Everything read so far is delivered: forget it (fully delivered segments are deleted). */
    public void acknowledgeRead() {
        synchronized (lock) {
            long delivered = readAt.sequence() - 1;
            if (delivered <= acknowledgedSequence) {
                return;
            }
            unsentBatches -= readBatches;
            unsentEvents -= readEvents;
            readBatches = 0;
            readEvents = 0;
            acknowledgedSequence = delivered;
            head = readAt.sequence() <= writtenSequence ? normalized(readAt) : null;
            try {
                // durable before the segments go: they are what recovery would otherwise derive the next sequence from
                writeDurably(settings.dir(), "acknowledged", Long.toString(delivered));
                List<Map.Entry<Long, Segment>> freed = new ArrayList<>(segments.headMap(readAt.segment()).entrySet());
                if (!freed.isEmpty()) {
                    beforeDeleting.recordsBelow(readAt.segment());
                }
                for (Map.Entry<Long, Segment> old : freed) {
                    Files.deleteIfExists(old.getValue().path);
                    bytesOnDisk -= old.getValue().size;
                    segments.remove(old.getKey());
                    if (readChannelSegment == old.getKey()) {
                        closeReadChannel();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record acknowledged position in " + settings.dir(), e);
            }
        }
    }

    /** Forgets what was read but not acknowledged: the next read starts again at the oldest unsent record. */
    public void rewindToAcknowledged() {
        synchronized (lock) {
            readAt = head != null ? head : new Position(active.firstSequence, active.size, nextSequence);
            readEvents = 0;
            readBatches = 0;
        }
    }

    public SpoolStats stats() {
        synchronized (lock) {
            long oldest = -1;
            if (head != null && unsentBatches > 0) {
                try {
                    head = normalized(head);
                    oldest = readRecordHeader(head).spooledAtMillis();
                } catch (IOException e) {
                    LOG.debug("cannot read oldest spooled record", e);
                }
            }
            return new SpoolStats(unsentBatches, unsentEvents, bytesOnDisk, oldest, refusedBatches, refusedEvents, truncatedBytes);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                activeChannel.force(false);
                durableSequence = writtenSequence;
            } catch (IOException e) {
                LOG.warn("cannot force spool segment {} at close", active.path, e);
            }
            closed = true;
            lock.notifyAll();
        }
        if (syncer != null) {
            try {
                syncer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            closeQuietly(activeChannel);
            closeReadChannel();
        }
    }

    private void syncLoop() {
        long intervalMillis = Math.max(1, settings.fsyncInterval().toMillis());
        while (true) {
            long target;
            FileChannel channel;
            synchronized (lock) {
                while (writtenSequence == durableSequence && !closed) {
                    waitOnLock(1000);
                }
                if (closed) {
                    return;
                }
                target = writtenSequence;
                channel = activeChannel;
            }
            try {
                channel.force(false);
            } catch (ClosedChannelException e) {
                // the segment was rolled meanwhile, and rolling forced it
            } catch (IOException e) {
                LOG.error("cannot fsync spool segment; retrying", e);
                pause(intervalMillis);
                continue;
            }
            synchronized (lock) {
                durableSequence = Math.max(durableSequence, target);
                lock.notifyAll();
            }
            pause(intervalMillis);
        }
    }

    private void roll(long firstSequence) throws IOException {
        activeChannel.force(false);
        durableSequence = writtenSequence;
        activeChannel.close();
        openActive(firstSequence);
        lock.notifyAll();
    }

    private void openActive(long firstSequence) throws IOException {
        Path path = settings.dir().resolve(String.format("%020d%s", firstSequence, SUFFIX));
        activeChannel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        active = new Segment(firstSequence, path, activeChannel.size());
        segments.put(firstSequence, active);
        // the segment's name carries its first sequence: it must outlive a power loss as its records do
        forceFolder(settings.dir());
    }

    /** A record read at a position, and the offset in its segment where the next one begins. */
    private record Read(SpooledRecord record, long next) {
    }

    /**
     * Reads the record at {@code at}, in a segment of {@code end} durable bytes followed by the
     * segment {@code following} (null when none). The disk failing is an IOException (worth a
     * retry); a record that is corrupt is either handed out as such, when the next record is
     * where its length says, or a {@link SpoolCorruptException}.
     */
    private Read readRecord(Position at, long end, Long following) throws IOException {
        FileChannel channel = readChannel(at.segment());
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(channel, header, at.offset());
        int length = header.getInt(0);
        String where = "spool record " + at.sequence() + " at " + String.format("%020d%s", at.segment(), SUFFIX) + ":"
                + at.offset();
        if (length < BODY_HEADER || length > MAX_BODY || at.offset() + HEADER + length > end) {
            throw lost(where, "impossible length " + length);
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, at.offset() + HEADER);
        long next = at.offset() + HEADER + length;
        if (!checksumMatches(body, header.getInt(4))) {
            boolean nextFound = next == end ? following == null || following == at.sequence() + 1
                    : sequenceAt(channel, next, end) == at.sequence() + 1;
            if (!nextFound) {
                throw lost(where, "checksum mismatch");
            }
            ByteBuffer bytes = ByteBuffer.allocate(HEADER + length).put(header.rewind()).put(body.rewind());
            return new Read(SpooledRecord.corrupt(at.sequence(), bytes.array(), where
                    + " is corrupt on disk (checksum mismatch): its batch cannot be read"), next);
        }
        byte[] payload = new byte[length - BODY_HEADER];
        System.arraycopy(body.array(), BODY_HEADER, payload, 0, payload.length);
        return new Read(new SpooledRecord(body.getLong(0), body.getLong(8), body.getInt(16) & EVENTS, payload), next);
    }

    private static SpoolCorruptException lost(String where, String what) {
        return new SpoolCorruptException(where + " is corrupt on disk (" + what + ") and where the record after it"
                + " begins cannot be told: forwarding stops here, the records from this one on stay in the spool."
                + " Restarting the agent truncates this segment at the corrupt record (logged with the bytes dropped)");
    }

    private static boolean checksumMatches(ByteBuffer body, int crc) {
        CRC32C check = new CRC32C();
        check.update(body.array(), 0, body.capacity());
        return (int) check.getValue() == crc;
    }

    /** The sequence of the intact record at {@code offset}, or -1 when no intact record is there. */
    private static long sequenceAt(FileChannel channel, long offset, long end) throws IOException {
        if (offset + HEADER + BODY_HEADER > end) {
            return -1;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(channel, header, offset);
        int length = header.getInt(0);
        if (length < BODY_HEADER || length > MAX_BODY || offset + HEADER + length > end) {
            return -1;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, offset + HEADER);
        return checksumMatches(body, header.getInt(4)) ? body.getLong(0) : -1;
    }

    /** The same record boundary, moved to the start of the next segment when it is the end of a finished one. */
    private Position normalized(Position at) {
        Segment segment = segments.get(at.segment());
        Long following = segments.higherKey(at.segment());
        if (segment != null && segment != active && at.offset() >= segment.size && following != null) {
            return new Position(following, 0, at.sequence());
        }
        return at;
    }

    private SpooledRecord readRecordHeader(Position at) throws IOException {
        Segment segment = segments.get(at.segment());
        try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
            ByteBuffer body = ByteBuffer.allocate(BODY_HEADER);
            readFully(channel, body, at.offset() + HEADER);
            return new SpooledRecord(body.getLong(0), body.getLong(8), body.getInt(16) & EVENTS, new byte[0]);
        }
    }

    private FileChannel readChannel(long segment) throws IOException {
        if (readChannelSegment != segment) {
            closeReadChannel();
            Path path;
            synchronized (lock) {
                path = segments.get(segment).path;
            }
            readChannel = FileChannel.open(path, StandardOpenOption.READ);
            readChannelSegment = segment;
        }
        return readChannel;
    }

    private void closeReadChannel() {
        closeQuietly(readChannel);
        readChannel = null;
        readChannelSegment = -1;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("spool record cut short at offset " + offset);
            }
        }
    }

    private void recover() throws IOException {
        Path acknowledgedFile = settings.dir().resolve("acknowledged");
        acknowledgedSequence = Files.exists(acknowledgedFile)
                ? Long.parseLong(Files.readString(acknowledgedFile, StandardCharsets.US_ASCII).trim()) : -1;
        List<Path> files;
        try (Stream<Path> list = Files.list(settings.dir())) {
            files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
        long lastSequence = acknowledgedSequence;
        for (Path file : files) {
            String name = file.getFileName().toString();
            long first = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
            lastSequence = Math.max(lastSequence, first - 1);
            long valid = scan(file, first);
            segments.put(first, new Segment(first, file, valid));
            bytesOnDisk += valid;
            if (valid > 0) {
                lastSequence = Math.max(lastSequence, lastScanned);
            }
        }
        nextSequence = lastSequence + 1;
        writtenSequence = nextSequence - 1;
        durableSequence = writtenSequence;
        if (segments.isEmpty()) {
            openActive(nextSequence);
        } else {
            Segment last = segments.lastEntry().getValue();
            activeChannel = FileChannel.open(last.path, StandardOpenOption.WRITE, StandardOpenOption.READ);
            active = last;
        }
        readAt = head != null ? head : new Position(active.firstSequence, active.size, nextSequence);
        if (unsentBatches > 0 || truncatedBytes > 0) {
            LOG.info("spool {} recovered: {} batches ({} events) waiting to be forwarded{}", settings.dir(), unsentBatches,
                    unsentEvents, truncatedBytes > 0 ? ", " + truncatedBytes + " bytes of torn tail dropped" : "");
        }
    }

    private long lastScanned;

    /**
     * Reads a segment's records, counting the unsent ones; truncates it after the last valid one,
     * and before a group whose last record is missing (a torn {@link #appendAll}).
     */
    private long scan(Path file, long firstSequence) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long offset = 0;
            long expected = firstSequence;
            Position headBefore = head;
            long groupOffset = 0;
            long groupSequence = firstSequence;
            long groupEvents = 0;
            boolean groupOpen = false;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (offset + HEADER + BODY_HEADER <= size) {
                header.clear();
                readFully(channel, header, offset);
                int length = header.getInt(0);
                if (length < BODY_HEADER || length > MAX_BODY || offset + HEADER + length > size) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(channel, body, offset + HEADER);
                if (!checksumMatches(body, header.getInt(4)) || body.getLong(0) != expected) {
                    break;
                }
                if (!groupOpen) {
                    groupOffset = offset;
                    groupSequence = expected;
                    groupEvents = 0;
                    headBefore = head;
                }
                if (expected > acknowledgedSequence) {
                    if (head == null) {
                        head = new Position(firstSequence, offset, expected);
                    }
                    unsentBatches++;
                    unsentEvents += body.getInt(16) & EVENTS;
                    groupEvents += body.getInt(16) & EVENTS;
                }
                groupOpen = (body.getInt(16) & GROUP_CONTINUES) != 0;
                lastScanned = expected;
                expected++;
                offset += HEADER + length;
            }
            if (groupOpen) {
                // the group's last record never made it, so the group was never durable: never read, never acknowledged
                unsentBatches -= expected - groupSequence;
                unsentEvents -= groupEvents;
                head = headBefore;
                offset = groupOffset;
                expected = groupSequence;
                lastScanned = expected - 1;
            }
            if (offset < size) {
                LOG.warn("spool segment {}: dropped a torn or corrupt tail of {} bytes after sequence {}", file, size - offset,
                        expected - 1);
                truncatedBytes += size - offset;
                channel.truncate(offset);
                channel.force(true);
            }
            return offset;
        }
    }

    private static String loadOrCreateProducerId(Path dir) throws IOException {
        Path file = dir.resolve("producer");
        Path madeAtFile = dir.resolve("producer.host");
        String here = whereAmI(dir);
        if (!Files.exists(file)) {
            String id = newProducerId();
            writeDurably(dir, "producer.host", here);
            writeDurably(dir, "producer", id);
            return id;
        }
        String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!Files.exists(madeAtFile)) {
            LOG.info("spool {}: producer {} is taken to belong here ({}), as no place was recorded for it", dir, id, here);
            writeDurably(dir, "producer.host", here);
            return id;
        }
        String madeAt = Files.readString(madeAtFile, StandardCharsets.UTF_8).trim();
        if (madeAt.equals(here)) {
            return id;
        }
        String fresh = newProducerId();
        LOG.warn("spool {} was made for producer {} at {}, and this is {}: a copied or moved spool takes a new producer"
                + " id, {} (two agents sending under one id would lose batches as duplicates)", dir, id, madeAt, here, fresh);
        writeDurably(dir, "producer", fresh);
        writeDurably(dir, "producer.host", here);
        return fresh;
    }

    private static String newProducerId() {
        return "agent-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** The host (its name and, where there is one, its machine id) and the spool folder's real path. */
    private static String whereAmI(Path dir) throws IOException {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
        Path machineIdFile = Path.of("/etc/machine-id");
        String machine = Files.isReadable(machineIdFile)
                ? " machine " + Files.readString(machineIdFile, StandardCharsets.US_ASCII).trim() : "";
        return "host " + host + machine + " folder " + dir.toRealPath();
    }

    /** Replaces {@code dir/name} with {@code content}, on disk when it returns (also after a power loss). */
    private static void writeDurably(Path dir, String name, String content) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        forceFolder(dir);
    }

    private static void forceFolder(Path dir) {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync folder {}", dir, e);
        }
    }

    private void waitOnLock(long millis) {
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting on the spool", e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing spool file", e);
            }
        }
    }
}
