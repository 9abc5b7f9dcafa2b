package io.statspipe.adapter.mongo;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Bucket;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.QuantileSketch;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.ports.out.StoredBucket;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One legacy document, read and checked: the series and day it counts, its kind (a timing
 * when it has {@code sum/min/max}), its non-zero minute and hour counts, and the timing's day
 * figures.
 *
 * <p>The legacy store keeps, for timings, only counts per minute and hour; sum, min and max
 * exist only for the whole day and no quantiles exist at all. A timing bucket read from it is
 * therefore a {@link DistributionAggregate} whose count is exact and whose sum, min, max and
 * sketch are the day's figures spread over the day: sum = count × the day's mean, min and max
 * = the day's, every sample placed at the day's mean. Merging all of a day's buckets of one
 * resolution gives back the day's exact count, sum, min and max; nothing finer is real.
 */
public record LegacyDay(String id, Series series, Kind kind, LocalDate day, SortedMap<Integer, Long> minutes,
                        SortedMap<Integer, Long> hours, Optional<Long> total, Optional<Timing> timing) {

    /** The day's sum, min and max of a timing. */
    public record Timing(double sum, double min, double max) {
        public Timing {
            if (!Double.isFinite(sum) || !Double.isFinite(min) || !Double.isFinite(max) || min > max) {
                throw new InvalidStatException("timing figures must be finite with min <= max, got sum " + sum
                        + ", min " + min + ", max " + max);
            }
        }
    }

    public LegacyDay {
        minutes = Collections.unmodifiableSortedMap(new TreeMap<>(minutes));
        hours = Collections.unmodifiableSortedMap(new TreeMap<>(hours));
        if (timing.isPresent() != (kind == Kind.DISTRIBUTION)) {
            throw new InvalidStatException("a legacy day is a distribution exactly when it has timing figures");
        }
    }

    /** True when the document's id is the one the writers use for its series and day. */
    public boolean hasCanonicalId() {
        return id.equals(LegacySchema.documentId(series, day));
    }

    /**
     * The day's buckets of a resolution, in time order: one-minute buckets from {@code m};
     * whole-hour widths (1h, 2h ... 1d) from {@code h}; other whole-minute widths (5m, 15m ...)
     * from {@code m}. Buckets without counts are left out.
     *
     * @throws InvalidStatException for widths below a minute or not a whole number of minutes
     */
    public List<StoredBucket> buckets(Resolution resolution) {
        long width = resolution.widthMillis();
        if (width % LegacySchema.MINUTE_MILLIS != 0) {
            throw new InvalidStatException("the legacy store counts per minute and per hour: it cannot give "
                    + resolution + " buckets");
        }
        boolean fromHours = width % LegacySchema.HOUR_MILLIS == 0;
        SortedMap<Integer, Long> counts = fromHours ? hours : minutes;
        long unit = fromHours ? LegacySchema.HOUR_MILLIS : LegacySchema.MINUTE_MILLIS;
        long dayStart = LegacySchema.startOf(day);
        TreeMap<Long, Long> perBucket = new TreeMap<>();
        long all = 0;
        for (Map.Entry<Integer, Long> c : counts.entrySet()) {
            long start = Bucket.of(dayStart + c.getKey() * unit, width).start();
            perBucket.merge(start, c.getValue(), Math::addExact);
            all = Math.addExact(all, c.getValue());
        }
        List<StoredBucket> buckets = new ArrayList<>(perBucket.size());
        for (Map.Entry<Long, Long> b : perBucket.entrySet()) {
            buckets.add(new StoredBucket(series, resolution, new Bucket(b.getKey(), width),
                    aggregate(b.getValue(), all)));
        }
        return buckets;
    }

    private Aggregate aggregate(long count, long dayCount) {
        if (timing.isEmpty()) {
            return new CounterAggregate(count);
        }
        Timing t = timing.get();
        double mean = t.sum() / dayCount;
        double sum = count == dayCount ? t.sum() : count * mean;
        QuantileSketch.Builder sketch = new QuantileSketch.Builder();
        sketch.add(Math.min(t.max(), Math.max(t.min(), mean)), count);
        return new DistributionAggregate(count, sum, t.min(), t.max(), sketch.build());
    }
}
