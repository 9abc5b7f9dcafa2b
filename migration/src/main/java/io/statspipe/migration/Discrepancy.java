package io.statspipe.migration;

import io.statspipe.domain.Resolution;
import io.statspipe.ports.out.SeriesKey;

/** One difference verification found between the legacy store and the new store. */
public sealed interface Discrepancy {

    /** Which store lacks something. */
    enum Store { LEGACY, NEW }

    SeriesKey series();

    String describe();

    /** A series one store has (in the range) and the other has not at all. */
    record MissingSeries(SeriesKey series, Store missingIn) implements Discrepancy {
        @Override
        public String describe() {
            return "series " + series.series() + " (" + series.kind() + ") is missing in the " + name(missingIn) + " store";
        }
    }

    /** A bucket one store has and the other has not. */
    record MissingBucket(SeriesKey series, Resolution resolution, long bucketStart, Store missingIn, long countInOther)
            implements Discrepancy {
        @Override
        public String describe() {
            return "bucket " + java.time.Instant.ofEpochMilli(bucketStart) + " (" + resolution + ") of " + series.series()
                    + " is missing in the " + name(missingIn) + " store (count " + countInOther + " in the other)";
        }
    }

    /** A bucket both stores have, with different counts. */
    record DifferentValue(SeriesKey series, Resolution resolution, long bucketStart, long legacyCount, long newCount)
            implements Discrepancy {
        @Override
        public String describe() {
            return "bucket " + java.time.Instant.ofEpochMilli(bucketStart) + " (" + resolution + ") of " + series.series()
                    + " counts " + legacyCount + " in the legacy store and " + newCount + " in the new store";
        }
    }

    private static String name(Store store) {
        return store == Store.LEGACY ? "legacy" : "new";
    }
}
