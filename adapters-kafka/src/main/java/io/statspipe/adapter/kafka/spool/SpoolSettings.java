package io.statspipe.adapter.kafka.spool;

import io.statspipe.domain.InvalidStatException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the spool keeps batches on local disk.
 *
 * @param dir the spool folder (segments, the producer id, the acknowledged position)
 * @param maxBytes the most bytes of segments kept on disk; an append beyond it is refused
 *        (the overflow policy: the newest input is refused, counted and logged, never dropped silently)
 * @param segmentBytes the size at which a new segment file is started
 * @param fsyncInterval group-commit period: appends are forced to disk at most this long after
 *        they are written, and {@link Spool#awaitDurable} waits for that; {@code 0} forces every
 *        append before it returns
 */
public record SpoolSettings(Path dir, long maxBytes, long segmentBytes, Duration fsyncInterval) {
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofMillis(5);

    public SpoolSettings {
        if (dir == null) {
            throw new InvalidStatException("spool folder must be given");
        }
        if (segmentBytes < 4096) {
            throw new InvalidStatException("spool segment size must be at least 4096 bytes, got " + segmentBytes);
        }
        if (maxBytes < 2 * segmentBytes) {
            throw new InvalidStatException("spool max size " + maxBytes + " must be at least two segments (2 x " + segmentBytes + ")");
        }
        if (fsyncInterval == null || fsyncInterval.isNegative()) {
            throw new InvalidStatException("spool fsync interval must be zero or positive, got " + fsyncInterval);
        }
    }

    public static SpoolSettings defaults(Path dir) {
        return new SpoolSettings(dir, DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES, DEFAULT_FSYNC_INTERVAL);
    }

    public SpoolSettings withMaxBytes(long max, long segment) {
        return new SpoolSettings(dir, max, segment, fsyncInterval);
    }

    public SpoolSettings withFsyncInterval(Duration interval) {
        return new SpoolSettings(dir, maxBytes, segmentBytes, interval);
    }
}
