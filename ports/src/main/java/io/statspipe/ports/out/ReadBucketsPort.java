package io.statspipe.ports.out;

import io.statspipe.domain.Resolution;
import io.statspipe.ports.in.TimeRange;
import java.util.List;
import java.util.Set;

/**
 * Bucket-level reads that verification needs from both stores: which series exist, and each
 * series' combined bucket aggregates.
 */
public interface ReadBucketsPort {

    /** Series with data in the range whose metric starts with {@code metricPrefix} ("" for all). */
    Set<SeriesKey> listSeries(String metricPrefix, TimeRange range);

    /** The combined aggregate of every bucket of one series with data in the range, in time order. */
    List<StoredBucket> readBuckets(SeriesKey series, Resolution resolution, TimeRange range);
}
