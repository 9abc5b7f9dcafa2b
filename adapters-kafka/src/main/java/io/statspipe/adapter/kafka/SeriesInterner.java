package io.statspipe.adapter.kafka;

import io.statspipe.domain.Series;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Series already decoded, found by their encoded bytes without copying them: a producer writes
 * the same series in batch after batch, and validating a series (its name and each tag) costs
 * more than all the events that refer to it. Equal bytes always decode to an equal series, so
 * interning changes nothing but the cost. Open addressing over arrays, bounded: when full it
 * starts over. Not thread-safe.
 */
final class SeriesInterner {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MIX = 0x9E3779B97F4A7C15L;
    private final int capacity;
    private byte[][] keys;
    private int[] hashes;
    private Series[] values;
    private int size;

    /** @param capacity distinct series remembered before the table starts over */
    SeriesInterner(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        allocate(16);
    }

    /** A hash of the bytes, eight at a time (the bytes of every series of every batch pass here). */
    static int hash(byte[] buffer, int offset, int length) {
        long h = length * MIX;
        int i = offset;
        for (int end = offset + length - 7; i < end; i += 8) {
            h = Long.rotateLeft(h ^ (long) LONGS.get(buffer, i), 29) * MIX;
        }
        for (int end = offset + length; i < end; i++) {
            h = Long.rotateLeft(h ^ buffer[i], 29) * MIX;
        }
        h ^= h >>> 32;
        return (int) (h ^ (h >>> 16));
    }

    /** The series interned for these bytes, or null. */
    Series find(byte[] buffer, int offset, int length, int hash) {
        int mask = keys.length - 1;
        for (int slot = hash & mask; keys[slot] != null; slot = (slot + 1) & mask) {
            if (hashes[slot] == hash && Arrays.equals(keys[slot], 0, keys[slot].length, buffer, offset, offset + length)) {
                return values[slot];
            }
        }
        return null;
    }

    /** Remembers {@code series} as what these bytes decode to. */
    void add(byte[] buffer, int offset, int length, int hash, Series series) {
        if (size == capacity) {
            size = 0;
            allocate(16);
        }
        if ((size + 1) * 2 > keys.length) {
            rehash(keys.length * 2);
        }
        insert(Arrays.copyOfRange(buffer, offset, offset + length), hash, series);
        size++;
    }

    int size() {
        return size;
    }

    private void insert(byte[] key, int hash, Series series) {
        int mask = keys.length - 1;
        int slot = hash & mask;
        while (keys[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        hashes[slot] = hash;
        values[slot] = series;
    }

    private void rehash(int slots) {
        byte[][] oldKeys = keys;
        int[] oldHashes = hashes;
        Series[] oldValues = values;
        allocate(slots);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insert(oldKeys[i], oldHashes[i], oldValues[i]);
            }
        }
    }

    private void allocate(int slots) {
        keys = new byte[slots][];
        hashes = new int[slots];
        values = new Series[slots];
    }
}
