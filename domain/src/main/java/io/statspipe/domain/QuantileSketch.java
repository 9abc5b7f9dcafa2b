package io.statspipe.domain;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A mergeable quantile sketch with 1% relative accuracy, after DDSketch: a value {@code v > 0}
 * is counted in bin {@code ceil(log(v) / log(gamma))}, negative values in a mirrored set of
 * bins, and magnitudes below {@link #MIN_MAGNITUDE} in a zero bin. A quantile read from it is
 * within 1% of the true value.
 *
 * <p>Bins hold integer counts, so merging (adding bins) is exactly associative and
 * commutative. The bin mapping is part of what statspipe stores, so it is owned here and must
 * never change: that is why it is not a library type.
 */
public final class QuantileSketch {
    public static final double RELATIVE_ACCURACY = 0.01;
    public static final double MIN_MAGNITUDE = 1e-9;
    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);
    private static final QuantileSketch EMPTY = new QuantileSketch(Bins.empty(), Bins.empty(), 0);

    private final Bins positive;
    private final Bins negative;
    private final long zeros;

    private QuantileSketch(Bins positive, Bins negative, long zeros) {
        this.positive = positive;
        this.negative = negative;
        this.zeros = zeros;
    }

    public static QuantileSketch empty() {
        return EMPTY;
    }

    public static QuantileSketch of(double... values) {
        Builder b = new Builder();
        for (double v : values) {
            b.add(v, 1);
        }
        return b.build();
    }

    /** Rebuilds a sketch from stored bins (bin index to count). */
    public static QuantileSketch fromBins(Map<Integer, Long> positiveBins, Map<Integer, Long> negativeBins, long zeroCount) {
        if (zeroCount < 0) {
            throw new InvalidStatException("zero count of a sketch must not be negative: " + zeroCount);
        }
        return new QuantileSketch(Bins.of(positiveBins), Bins.of(negativeBins), zeroCount);
    }

    /** The bin a magnitude falls in. */
    static int binOf(double magnitude) {
        return (int) Math.ceil(Math.log(magnitude) / LOG_GAMMA);
    }

    /** The value a bin stands for: within the relative accuracy of everything counted in it. */
    static double valueOfBin(int bin) {
        return 2 * Math.pow(GAMMA, bin) / (GAMMA + 1);
    }

    public long count() {
        return positive.total() + negative.total() + zeros;
    }

    public boolean isEmpty() {
        return count() == 0;
    }

    public SortedMap<Integer, Long> positiveBins() {
        return positive.asMap();
    }

    public SortedMap<Integer, Long> negativeBins() {
        return negative.asMap();
    }

    public long zeroCount() {
        return zeros;
    }

    public QuantileSketch merge(QuantileSketch other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        return new QuantileSketch(positive.plus(other.positive), negative.plus(other.negative),
                Math.addExact(zeros, other.zeros));
    }

    /**
     * The value at quantile {@code q} (0 = lowest, 1 = highest), within 1% relative error.
     *
     * @throws InvalidStatException when the sketch is empty or q is not in [0, 1]
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new InvalidStatException("quantile must be between 0 and 1, got " + q);
        }
        long total = count();
        if (total == 0) {
            throw new InvalidStatException("an empty sketch has no quantiles");
        }
        long rank = (long) Math.floor(q * (total - 1));
        // Walk from the most negative value up: negative bins by descending magnitude,
        // then zeros, then positive bins by ascending magnitude.
        long seen = 0;
        for (int i = negative.counts.length - 1; i >= 0; i--) {
            seen += negative.counts[i];
            if (seen > rank) {
                return -valueOfBin(negative.offset + i);
            }
        }
        seen += zeros;
        if (seen > rank) {
            return 0;
        }
        for (int i = 0; i < positive.counts.length; i++) {
            seen += positive.counts[i];
            if (seen > rank) {
                return valueOfBin(positive.offset + i);
            }
        }
        return valueOfBin(positive.offset + positive.counts.length - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantileSketch s && zeros == s.zeros && positive.equals(s.positive)
                && negative.equals(s.negative);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * positive.hashCode() + negative.hashCode()) + Long.hashCode(zeros);
    }

    @Override
    public String toString() {
        return "QuantileSketch[count=" + count() + ", +" + positive.asMap() + ", -" + negative.asMap()
                + ", zeros=" + zeros + "]";
    }

    /** A mutable sketch for the rollup's hot path: adding to a bin already in range allocates nothing. */
    public static final class Builder {
        /** No bins yet: shared, since an empty array cannot change (a rollup holds many builders). */
        private static final long[] NO_BINS = new long[0];
        private int posOffset;
        private long[] pos = NO_BINS;
        private int negOffset;
        private long[] neg = NO_BINS;
        private long zeroCount;

        public void add(double value, long weight) {
            addBinned(value, binFor(value), weight);
        }

        /** The bin of {@code value}'s magnitude (0 for magnitudes counted as zero). */
        static int binFor(double value) {
            double magnitude = Math.abs(value);
            return magnitude < MIN_MAGNITUDE ? 0 : binOf(magnitude);
        }

        /** Adds a value whose bin was computed by {@link #binFor}. */
        void addBinned(double value, int bin, long weight) {
            if (Math.abs(value) < MIN_MAGNITUDE) {
                zeroCount += weight;
            } else {
                addTo(value > 0, bin, weight);
            }
        }

        private void addTo(boolean positiveSide, int bin, long weight) {
            long[] counts = positiveSide ? pos : neg;
            int offset = positiveSide ? posOffset : negOffset;
            if (counts.length == 0) {
                counts = new long[8];
                offset = bin - 4;
            } else if (bin < offset || bin >= offset + counts.length) {
                int low = Math.min(offset, bin);
                int high = Math.max(offset + counts.length - 1, bin);
                int size = Math.max(high - low + 1, counts.length * 2);
                int newLow = bin < offset ? high - size + 1 : low;
                long[] grown = new long[size];
                System.arraycopy(counts, 0, grown, offset - newLow, counts.length);
                counts = grown;
                offset = newLow;
            }
            counts[bin - offset] += weight;
            if (positiveSide) {
                pos = counts;
                posOffset = offset;
            } else {
                neg = counts;
                negOffset = offset;
            }
        }

        public QuantileSketch build() {
            return new QuantileSketch(Bins.trimmed(posOffset, pos), Bins.trimmed(negOffset, neg), zeroCount);
        }

        public void clear() {
            pos = NO_BINS;
            neg = NO_BINS;
            posOffset = 0;
            negOffset = 0;
            zeroCount = 0;
        }
    }

    /** Dense bins {@code counts[i]} for bin {@code offset + i}, trimmed so both ends are non-zero. */
    private static final class Bins {
        final int offset;
        final long[] counts;

        private Bins(int offset, long[] counts) {
            this.offset = offset;
            this.counts = counts;
        }

        static Bins empty() {
            return new Bins(0, new long[0]);
        }

        static Bins trimmed(int offset, long[] counts) {
            int lo = 0;
            int hi = counts.length - 1;
            while (lo <= hi && counts[lo] == 0) {
                lo++;
            }
            while (hi >= lo && counts[hi] == 0) {
                hi--;
            }
            return lo > hi ? empty() : new Bins(offset + lo, Arrays.copyOfRange(counts, lo, hi + 1));
        }

        static Bins of(Map<Integer, Long> bins) {
            if (bins.isEmpty()) {
                return empty();
            }
            TreeMap<Integer, Long> sorted = new TreeMap<>(bins);
            int lo = sorted.firstKey();
            long[] counts = new long[Math.toIntExact((long) sorted.lastKey() - lo + 1)];
            sorted.forEach((bin, n) -> {
                if (n == null || n < 0) {
                    throw new InvalidStatException("sketch bin " + bin + " has a negative count: " + n);
                }
                counts[bin - lo] = n;
            });
            return trimmed(lo, counts);
        }

        long total() {
            long t = 0;
            for (long c : counts) {
                t += c;
            }
            return t;
        }

        Bins plus(Bins other) {
            if (other.counts.length == 0) {
                return this;
            }
            if (counts.length == 0) {
                return other;
            }
            int lo = Math.min(offset, other.offset);
            int hi = Math.max(offset + counts.length, other.offset + other.counts.length);
            long[] sum = new long[hi - lo];
            for (int i = 0; i < counts.length; i++) {
                sum[offset - lo + i] += counts[i];
            }
            for (int i = 0; i < other.counts.length; i++) {
                sum[other.offset - lo + i] = Math.addExact(sum[other.offset - lo + i], other.counts[i]);
            }
            return new Bins(lo, sum);
        }

        SortedMap<Integer, Long> asMap() {
            TreeMap<Integer, Long> map = new TreeMap<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 0) {
                    map.put(offset + i, counts[i]);
                }
            }
            return Collections.unmodifiableSortedMap(map);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bins b && asMap().equals(b.asMap());
        }

        @Override
        public int hashCode() {
            return asMap().hashCode();
        }
    }
}
