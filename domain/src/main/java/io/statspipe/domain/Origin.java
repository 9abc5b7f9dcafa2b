package io.statspipe.domain;

import java.util.regex.Pattern;

/**
 * Where a partial came from, deterministically: the input {@code stream} (a Kafka partition
 * {@code p3}, a backfill {@code bf}), the flush sequence number within that stream, and the
 * first source offset the flush covered. Re-aggregating the same range of the same stream
 * gives the same origin, hence the same partial identities.
 */
public record Origin(String stream, long seq, long firstOffset) {
    private static final Pattern STREAM = Pattern.compile("[a-z][a-z0-9]{0,15}");

    public Origin {
        if (stream == null || !STREAM.matcher(stream).matches()) {
            throw new InvalidStatException("origin stream '" + stream
                    + "' must be 1-16 lower-case letters and digits, starting with a letter");
        }
        if (seq < 0 || firstOffset < 0) {
            throw new InvalidStatException("origin seq and offset must not be negative: " + seq + ", " + firstOffset);
        }
    }

    /** The origin of a flush of Kafka partition {@code partition}. */
    public static Origin ofPartition(int partition, long seq, long firstOffset) {
        if (partition < 0) {
            throw new InvalidStatException("partition must not be negative: " + partition);
        }
        return new Origin("p" + partition, seq, firstOffset);
    }
}
