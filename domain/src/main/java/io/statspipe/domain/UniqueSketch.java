package io.statspipe.domain;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * A mergeable estimate of how many distinct members a set saw: an Apache DataSketches HLL
 * sketch with {@link #LG_K} = 12 (4,096 registers of one byte, {@code HLL_8}), kept in a
 * canonical serialized form.
 *
 * <p>Merging is the union of registers (the larger of each), so a day's unique count is the
 * count of the union of its hours' members, never the sum of their counts; merging is
 * idempotent, associative and commutative. The estimate's relative standard error is
 * {@link #RELATIVE_STANDARD_ERROR} (1.04 / sqrt(4096) = 1.63%): two thirds of estimates are
 * within it, 99.7% within three times it (4.9%). Up to a few hundred members the sketch holds
 * their hashes as a list and the count is practically exact.
 *
 * <p><b>Canonical form.</b> DataSketches' own bytes depend on the order of the updates (a list
 * in arrival order, an incremental estimator and running sums of doubles), but statspipe stores
 * a partial's value and must rewrite it with the identical bytes on a replay, whatever path
 * built it. So the bytes are made canonical: listed hashes sorted, the incremental (HIP)
 * estimator dropped and the sketch marked as merged (its estimate is then computed from the
 * registers alone), and the register statistics recomputed from the registers in slot order.
 * Two sketches of the same members therefore have the same bytes, register for register.
 */
public final class UniqueSketch {
    /** log2 of the number of registers. Part of what is stored: never change it. */
    public static final int LG_K = 12;
    /** 1.04 / sqrt(2^LG_K): the relative standard error of an estimate. */
    public static final double RELATIVE_STANDARD_ERROR = 1.04 / Math.sqrt(1 << LG_K);
    /** The seed of the member hash. Part of what is stored: never change it. */
    private static final long MEMBER_HASH_SEED = 9001L;
    /** Members travel as integral doubles (an event's value): 53 bits are exact. */
    private static final int MEMBER_HASH_BITS = 53;

    private static final TgtHllType TYPE = TgtHllType.HLL_8;
    private static final UniqueSketch EMPTY = canonical(new HllSketch(LG_K, TYPE));

    // DataSketches' HLL serialization (PreambleUtil): offsets and flags this class normalizes.
    private static final int FLAGS_BYTE = 5;
    private static final int LIST_COUNT_BYTE = 6;
    private static final int CUR_MIN_BYTE = 6;
    private static final int MODE_BYTE = 7;
    private static final int LIST_START = 8;
    private static final int SET_COUNT_INT = 8;
    private static final int SET_START = 12;
    private static final int HIP_ACCUM_DOUBLE = 8;
    private static final int KXQ0_DOUBLE = 16;
    private static final int KXQ1_DOUBLE = 24;
    private static final int NUM_AT_CUR_MIN_INT = 32;
    private static final int REGISTERS_START = 40;
    private static final int EMPTY_FLAG = 4;
    private static final int OUT_OF_ORDER_FLAG = 16;
    private static final int REBUILD_FLAG = 32;
    private static final int MODE_LIST = 0;
    private static final int MODE_SET = 1;

    private final byte[] bytes;

    private UniqueSketch(byte[] bytes) {
        this.bytes = bytes;
    }

    public static UniqueSketch empty() {
        return EMPTY;
    }

    /**
     * The hash a set member is counted by: the same member always gives the same hash, in every
     * process (64-bit MurmurHash3 of its UTF-8 bytes, cut to {@value #MEMBER_HASH_BITS} bits so
     * that it travels exactly as an event's value; two members of a million share a hash with a
     * probability of about 1 in 18,000, far below the sketch's own error).
     */
    public static long memberHash(String member) {
        if (member == null || member.isEmpty()) {
            throw new InvalidStatException("a set member must not be empty");
        }
        long[] hash = MurmurHash3.hash(member.getBytes(StandardCharsets.UTF_8), MEMBER_HASH_SEED);
        return hash[0] >>> (64 - MEMBER_HASH_BITS);
    }

    /** True when {@code value} is a member hash ({@link #memberHash}): a whole number in [0, 2^53). */
    public static boolean isMemberHash(double value) {
        return value >= 0 && value < (double) (1L << MEMBER_HASH_BITS) && value == Math.rint(value);
    }

    /** A sketch of the members with these hashes. */
    public static UniqueSketch ofHashes(long... memberHashes) {
        Builder b = new Builder();
        for (long h : memberHashes) {
            b.add(h);
        }
        return b.build();
    }

    /**
     * Rebuilds a sketch from stored bytes ({@link #toBytes}).
     *
     * @throws InvalidStatException when the bytes are no HLL sketch of {@link #LG_K} registers
     */
    public static UniqueSketch fromBytes(byte[] stored) {
        HllSketch sketch;
        try {
            sketch = HllSketch.heapify(stored);
        } catch (RuntimeException e) { // DataSketches and its memory layer throw several kinds
            throw new InvalidStatException("not an HLL sketch of unique counts: " + e.getMessage());
        }
        if (sketch.getLgConfigK() != LG_K || sketch.getTgtHllType() != TYPE) {
            throw new InvalidStatException("unique-count sketch must have lgK " + LG_K + " and type " + TYPE
                    + ", got lgK " + sketch.getLgConfigK() + " and type " + sketch.getTgtHllType());
        }
        return canonical(sketch);
    }

    /** The canonical serialized form: the same members always give the same bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The estimated number of distinct members. */
    public double estimate() {
        return HllSketch.heapify(bytes).getEstimate();
    }

    /** The estimate rounded to a whole number of members. */
    public long uniqueCount() {
        return Math.round(estimate());
    }

    public boolean isEmpty() {
        return (bytes[FLAGS_BYTE] & EMPTY_FLAG) != 0;
    }

    /** The union of both sketches' members. */
    public UniqueSketch merge(UniqueSketch other) {
        Union union = new Union(LG_K);
        union.update(HllSketch.heapify(bytes));
        union.update(HllSketch.heapify(other.bytes));
        return canonical(union.getResult(TYPE));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UniqueSketch u && Arrays.equals(bytes, u.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "UniqueSketch[~" + uniqueCount() + " members, " + bytes.length + " bytes]";
    }

    private static UniqueSketch canonical(HllSketch sketch) {
        ByteBuffer b = ByteBuffer.wrap(sketch.toCompactByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        int flags = b.get(FLAGS_BYTE) & 0xff;
        b.put(FLAGS_BYTE, (byte) ((flags | OUT_OF_ORDER_FLAG) & ~REBUILD_FLAG));
        int mode = b.get(MODE_BYTE) & 3;
        if (mode == MODE_LIST) {
            sortInts(b, LIST_START, b.get(LIST_COUNT_BYTE) & 0xff);
        } else if (mode == MODE_SET) {
            sortInts(b, SET_START, b.getInt(SET_COUNT_INT));
        } else {
            recomputeRegisterStatistics(b);
        }
        return new UniqueSketch(b.array());
    }

    private static void sortInts(ByteBuffer b, int start, int count) {
        int[] coupons = new int[count];
        for (int i = 0; i < count; i++) {
            coupons[i] = b.getInt(start + 4 * i);
        }
        Arrays.sort(coupons);
        for (int i = 0; i < count; i++) {
            b.putInt(start + 4 * i, coupons[i]);
        }
    }

    /** What DataSketches' union computes after merging (Union.checkRebuildCurMinNumKxQ), in slot order. */
    private static void recomputeRegisterStatistics(ByteBuffer b) {
        int k = 1 << LG_K;
        int curMin = 64;
        int numAtCurMin = 0;
        double kxq0 = k;
        double kxq1 = 0;
        for (int slot = 0; slot < k; slot++) {
            int v = b.get(REGISTERS_START + slot) & 0xff;
            if (v > 0) {
                if (v < 32) {
                    kxq0 += 1.0 / (1L << v) - 1.0;
                } else {
                    kxq1 += Math.scalb(1.0, -v) - 1.0;
                }
            }
            if (v < curMin) {
                curMin = v;
                numAtCurMin = 1;
            } else if (v == curMin) {
                numAtCurMin++;
            }
        }
        b.put(CUR_MIN_BYTE, (byte) curMin);
        b.putDouble(HIP_ACCUM_DOUBLE, 0);
        b.putDouble(KXQ0_DOUBLE, kxq0);
        b.putDouble(KXQ1_DOUBLE, kxq1);
        b.putInt(NUM_AT_CUR_MIN_INT, numAtCurMin);
    }

    /** Builds a sketch member by member (a rollup's open bucket). */
    public static final class Builder {
        private final HllSketch sketch = new HllSketch(LG_K, TYPE);

        /** Counts the member with this {@link #memberHash}. */
        public void add(long memberHash) {
            sketch.update(memberHash);
        }

        public UniqueSketch build() {
            return canonical(sketch);
        }
    }
}
