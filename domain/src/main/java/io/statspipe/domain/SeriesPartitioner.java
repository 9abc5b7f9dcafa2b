package io.statspipe.domain;

import java.nio.charset.StandardCharsets;

/**
 * Which partition of the event log a series belongs to: a stable 64-bit FNV-1a hash of
 * {@code metric{k1=v1,k2=v2}} (tags sorted), modulo the partition count. Every producer in any
 * language that hashes the same way puts every event of a series in the same partition, which
 * the exact-counting design depends on (one rollup owner per series).
 */
public final class SeriesPartitioner {
    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private SeriesPartitioner() {
    }

    public static int partitionOf(Series series, int partitions) {
        if (partitions <= 0) {
            throw new InvalidStatException("partition count must be positive, got " + partitions);
        }
        long hash = OFFSET_BASIS;
        for (byte b : series.toString().getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= PRIME;
        }
        return (int) Long.remainderUnsigned(hash, partitions);
    }
}
