package io.statspipe.ports.out;

import java.util.function.Consumer;

/** The legacy store's history, read as buckets for backfill. */
public interface LegacyHistoryPort {

    /**
     * Streams every bucket of the days in the range, optionally only metrics starting with
     * {@code metricPrefix} ("" for all), in a stable order (by document id, then bucket).
     * Malformed documents are skipped and reported, never fatal.
     *
     * @param resumeAfter a document id returned in an earlier scan's progress, or "" to start at the beginning
     */
    ScanReport scan(DayRange days, String metricPrefix, String resumeAfter, Consumer<LegacyDocument> sink);

    /**
     * How many documents a scan of the range would read, if the store can tell cheaply (for
     * progress and ETA). Empty when it cannot.
     */
    default java.util.OptionalLong estimateDocuments(DayRange days, String metricPrefix) {
        return java.util.OptionalLong.empty();
    }

    /** One legacy document's buckets (minute and hour), with the id to resume after it. */
    record LegacyDocument(String id, java.util.List<StoredBucket> buckets) {
        public LegacyDocument {
            buckets = java.util.List.copyOf(buckets);
        }
    }
}
