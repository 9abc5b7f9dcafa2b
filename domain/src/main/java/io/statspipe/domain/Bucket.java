package io.statspipe.domain;

/**
 * A half-open time interval {@code [start, start + width)}, aligned to the epoch: {@code start}
 * is a multiple of {@code width} (also for timestamps before 1970, where it rounds down).
 */
public record Bucket(long start, long widthMillis) implements Comparable<Bucket> {

    public Bucket {
        if (widthMillis <= 0) {
            throw new InvalidStatException("bucket width must be positive, got " + widthMillis);
        }
        if (Math.floorMod(start, widthMillis) != 0) {
            throw new InvalidStatException("bucket start " + start + " is not aligned to its width " + widthMillis);
        }
        if (start > Long.MAX_VALUE - widthMillis) {
            throw new InvalidStatException("bucket at " + start + " would end past the last representable millisecond");
        }
    }

    public static Bucket of(long timestamp, long widthMillis) {
        if (widthMillis <= 0) {
            throw new InvalidStatException("bucket width must be positive, got " + widthMillis);
        }
        return new Bucket(timestamp - Math.floorMod(timestamp, widthMillis), widthMillis);
    }

    /** Exclusive end. */
    public long end() {
        return start + widthMillis;
    }

    public boolean contains(long timestamp) {
        return timestamp >= start && timestamp - start < widthMillis;
    }

    public Bucket next() {
        return new Bucket(end(), widthMillis);
    }

    @Override
    public int compareTo(Bucket other) {
        int byStart = Long.compare(start, other.start);
        return byStart != 0 ? byStart : Long.compare(widthMillis, other.widthMillis);
    }
}
