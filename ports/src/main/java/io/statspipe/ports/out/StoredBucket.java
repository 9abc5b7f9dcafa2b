package io.statspipe.ports.out;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Bucket;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;

/** The combined aggregate a store holds for one series, resolution and bucket. */
public record StoredBucket(Series series, Resolution resolution, Bucket bucket, Aggregate aggregate) {
}
