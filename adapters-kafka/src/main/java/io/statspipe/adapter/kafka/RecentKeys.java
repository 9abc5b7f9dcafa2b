package io.statspipe.adapter.kafka;

import io.statspipe.adapter.kafka.spool.Spool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP requests' {@code Idempotency-Key}s of the {@link IdempotencyWindow}, each with its
 * body's hash and its answer, so that a client repeating a request whose answer it lost is
 * answered as the first time and nothing is counted twice.
 *
 * <p>Durability: a key's {@link Receipt} is written in the same spool append as the events it
 * acknowledges (the payload's trailer, {@link SubBatches}), so it is on disk exactly when they
 * are. At start the keys are rebuilt from the spool's records ({@link Spool#replay}) and from the
 * file {@code idempotency-keys}, which holds the window's receipts whose records the spool has
 * deleted: it is rewritten (durably) before the spool deletes segments.
 *
 * <p>A key is claimed while its request is being spooled, so that two requests racing with one
 * key do not both spool.
 */
public final class RecentKeys {
    private static final Logger LOG = LoggerFactory.getLogger(RecentKeys.class);
    static final String FILE = "idempotency-keys";

    /** A request's key, its body's hash, when it was spooled and the answer it got. */
    public record Receipt(String key, byte[] bodyHash, long spooledAtMillis, byte[] answer) {
        byte[] encode() {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(16 + k.length + bodyHash.length + 8 + answer.length)
                    .putInt(k.length).put(k).putInt(bodyHash.length).put(bodyHash).putLong(spooledAtMillis)
                    .putInt(answer.length).put(answer).array();
        }

        static Receipt decode(ByteBuffer in) {
            byte[] k = new byte[in.getInt()];
            in.get(k);
            byte[] hash = new byte[in.getInt()];
            in.get(hash);
            long at = in.getLong();
            byte[] answer = new byte[in.getInt()];
            in.get(answer);
            return new Receipt(new String(k, StandardCharsets.UTF_8), hash, at, answer);
        }

        long bytes() {
            return 64 + key.length() * 2L + bodyHash.length + answer.length;
        }
    }

    /** What a request with a key is to do. */
    public sealed interface Claim {
    }

    /** The key is new: spool the request with {@link StoreAndForwardAgent#publish(List, Receipt)}, or {@link #release} it. */
    public record Fresh(String key) implements Claim {
    }

    /** The key was answered within the window, for the same body: answer this again. */
    public record Repeat(byte[] answer) implements Claim {
    }

    /** The key was answered within the window for another body. */
    public record OtherBody() implements Claim {
    }

    /** A request with this key is being spooled right now. */
    public record InProgress() implements Claim {
    }

    private final IdempotencyWindow window;
    private final Path file;
    private final LinkedHashMap<String, Receipt> receipts = new LinkedHashMap<>();
    /** Claimed keys, with their receipt and sequence once the spool appends their record (-1 before). */
    private final Map<String, Spooling> inProgress = new HashMap<>();
    private long answerBytes;

    private static final class Spooling {
        Receipt receipt;
        long sequence = -1;
    }

    private RecentKeys(IdempotencyWindow window, Path file) {
        this.window = window;
        this.file = file;
    }

    /** The keys of the window, from the file of forgotten records and the spool's records; hooked to the spool's deletes. */
    static RecentKeys recover(IdempotencyWindow window, Spool spool) {
        RecentKeys keys = new RecentKeys(window, spool.settings().dir().resolve(FILE));
        try {
            if (Files.exists(keys.file)) {
                ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(keys.file));
                int count = in.getInt();
                for (int i = 0; i < count; i++) {
                    keys.add(Receipt.decode(in));
                }
            }
        } catch (IOException | RuntimeException e) {
            // written by rename, so never half: unreadable means damaged; the spool's own receipts still count
            LOG.warn("cannot read {}: the keys of requests already forwarded are forgotten", keys.file, e);
        }
        spool.replay(record -> {
            if (record.corruption().isEmpty()) {
                SubBatches.receipt(record.payload()).ifPresent(r -> keys.add(Receipt.decode(ByteBuffer.wrap(r))));
            }
        });
        keys.forgetOld(System.currentTimeMillis());
        if (!keys.receipts.isEmpty()) {
            LOG.info("spool {}: {} idempotency keys remembered", spool.settings().dir(), keys.receipts.size());
        }
        spool.beforeDeleting(keys::save);
        return keys;
    }

    /** Claims {@code key} for a request whose body hashes to {@code bodyHash}, or says why not. */
    public synchronized Claim claim(String key, byte[] bodyHash) {
        forgetOld(System.currentTimeMillis());
        Receipt known = receipts.get(key);
        if (known != null) {
            return Arrays.equals(known.bodyHash(), bodyHash) ? new Repeat(known.answer()) : new OtherBody();
        }
        if (inProgress.containsKey(key)) {
            return new InProgress();
        }
        inProgress.put(key, new Spooling());
        return new Fresh(key);
    }

    /** The claimed request was not spooled (refused, failed): its key may be used again. */
    public synchronized void release(String key) {
        inProgress.remove(key);
    }

    /** The spool is appending the claimed request's last record, {@code sequence}, under its lock. */
    synchronized void spooling(Receipt receipt, long sequence) {
        Spooling s = inProgress.get(receipt.key());
        s.receipt = receipt;
        s.sequence = sequence;
    }

    /** The claimed request is spooled, durably. */
    synchronized void remember(Receipt receipt) {
        inProgress.remove(receipt.key());
        add(receipt);
        forgetOld(System.currentTimeMillis());
    }

    public synchronized int size() {
        return receipts.size();
    }

    private void add(Receipt receipt) {
        Receipt before = receipts.remove(receipt.key());
        if (before != null) {
            answerBytes -= before.bytes();
        }
        receipts.put(receipt.key(), receipt);
        answerBytes += receipt.bytes();
    }

    /** Keys are in spooling order, so the oldest leave first. */
    private void forgetOld(long now) {
        long oldest = now - window.age().toMillis();
        Iterator<Map.Entry<String, Receipt>> it = receipts.entrySet().iterator();
        while (it.hasNext()) {
            Receipt r = it.next().getValue();
            if (r.spooledAtMillis() >= oldest && receipts.size() <= window.maxKeys() && answerBytes <= window.maxAnswerBytes()) {
                return;
            }
            it.remove();
            answerBytes -= r.bytes();
        }
    }

    /**
     * Writes the window's receipts to the file (temporary file, fsync, rename, folder fsync), before
     * the spool deletes its records below {@code sequence}. It runs under the spool's lock, so no
     * append is half done: a receipt whose record is below {@code sequence} is durable, even when
     * its request has not been told yet (and not yet {@link #remember}ed).
     */
    private synchronized void save(long sequence) throws IOException {
        forgetOld(System.currentTimeMillis());
        List<Receipt> kept = new ArrayList<>(receipts.values());
        for (Spooling s : inProgress.values()) {
            if (s.receipt != null && s.sequence < sequence) {
                kept.add(s.receipt);
            }
        }
        List<byte[]> encoded = new ArrayList<>(kept.size());
        int size = 4;
        for (Receipt r : kept) {
            byte[] e = r.encode();
            encoded.add(e);
            size += e.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(encoded.size());
        encoded.forEach(out::put);
        out.flip();
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel folder = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        }
    }
}
