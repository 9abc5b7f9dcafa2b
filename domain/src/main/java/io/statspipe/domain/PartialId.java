package io.statspipe.domain;

/**
 * The identity of a partial aggregate: which output series and kind, which bucket of which
 * resolution, and which flush of which input stream produced it.
 *
 * <p>{@link #slot()} maps the identity to a millisecond inside the bucket. A store that keeps one
 * value per (series, stream, millisecond) — KairosDB — then holds every partial of a bucket at
 * its own place, and rewriting a replayed partial overwrites it with the identical value.
 * Partials of one stream and bucket get distinct slots as long as fewer flushes than the
 * bucket has milliseconds touch the bucket (60,000 for one-minute buckets, 10,000 for ten-second
 * ones); the rollup's horizon and the flush interval bound those flushes, and
 * {@link RuleSet#requireDistinctSlots} refuses a resolution too fine for them.
 */
public record PartialId(Series series, Kind kind, Resolution resolution, Bucket bucket, Origin origin) {

    public PartialId {
        if (series == null || kind == null || resolution == null || bucket == null || origin == null) {
            throw new InvalidStatException("a partial id needs series, kind, resolution, bucket and origin");
        }
        if (bucket.widthMillis() != resolution.widthMillis()) {
            throw new InvalidStatException("bucket width " + bucket.widthMillis() + " ms does not match resolution "
                    + resolution);
        }
    }

    /** The millisecond, inside the bucket, where this partial is written. */
    public long slot() {
        return bucket.start() + Math.floorMod(origin.seq(), bucket.widthMillis());
    }
}
