package io.statspipe.migration;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.DayRange;
import io.statspipe.ports.out.LegacyHistoryPort;
import io.statspipe.ports.out.ProgressPort;
import io.statspipe.ports.out.ScanReport;
import io.statspipe.ports.out.StoredBucket;
import io.statspipe.ports.out.WritePartialsPort;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Copies legacy history before the dual-write boundary into the new store.
 *
 * <p>Each legacy bucket becomes one partial with an identity of its own: origin stream
 * {@code bf}, sequence 0, so its slot is the bucket's first millisecond under the tag of the
 * backfill stream, apart from every partial the topology writes. The legacy buckets before the
 * boundary no longer change once the migration lets backfill start, so a re-run writes the same
 * values to the same places: running it twice stores what running it once does.
 *
 * <p>Resumable: after every batch it saves the id of the last document written; a killed
 * backfill started again continues after it (re-writing at most one batch, harmlessly).
 */
public final class Backfill {
    /** The origin every backfilled partial carries. */
    public static final Origin ORIGIN = new Origin("bf", 0, 0);
    static final String POSITION = "migration.backfill.position";
    private static final Set<Aggregation.Type> ALL = EnumSet.allOf(Aggregation.Type.class);

    /** Progress as the backfill goes: documents done (of an estimate, when known), buckets written, and an ETA. */
    public record Progress(long documents, OptionalLong estimatedDocuments, long buckets, Instant startedAt,
                           Instant now) {

        /** The estimated end, when the total is known and something is done. */
        public java.util.Optional<Instant> eta() {
            if (estimatedDocuments.isEmpty() || documents == 0) {
                return java.util.Optional.empty();
            }
            long elapsed = now.toEpochMilli() - startedAt.toEpochMilli();
            long remaining = Math.max(0, estimatedDocuments.getAsLong() - documents);
            return java.util.Optional.of(now.plusMillis(elapsed * remaining / documents));
        }
    }

    /** What a run did. */
    public record Result(long documents, long buckets, List<String> skipped, boolean completed) {
    }

    /** Stops a run between batches (a kill switch for tests and for Ctrl-C). */
    public interface Stop {
        boolean requested();
    }

    private final LegacyHistoryPort legacy;
    private final WritePartialsPort newStore;
    private final ProgressPort progress;
    private final MigrationLedger ledger;
    private final InstantSource clock;
    private final RateLimit rateLimit;
    private final int batchSize;

    public Backfill(LegacyHistoryPort legacy, WritePartialsPort newStore, ProgressPort progress, MigrationLedger ledger,
                    InstantSource clock, RateLimit rateLimit, int batchSize) {
        if (batchSize <= 0) {
            throw new InvalidStatException("backfill batch size must be positive, got " + batchSize);
        }
        this.legacy = legacy;
        this.newStore = newStore;
        this.progress = progress;
        this.ledger = ledger;
        this.clock = clock;
        this.rateLimit = rateLimit;
        this.batchSize = batchSize;
    }

    /**
     * Backfills every legacy day from {@code firstDay} up to the boundary, resuming where an
     * earlier run of the same range stopped.
     */
    public Result run(LocalDate firstDay, Instant boundary, String metricPrefix, java.util.function.Consumer<Progress> onProgress,
                      Stop stop) {
        long from = firstDay.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long to = boundary.toEpochMilli();
        TimeRange range = new TimeRange(from, to);
        LocalDate lastDay = Instant.ofEpochMilli(to - 1).atZone(ZoneOffset.UTC).toLocalDate();
        DayRange days = new DayRange(firstDay, lastDay);
        String job = POSITION + "." + from + "." + to + "." + metricPrefix;
        String resumeAfter = progress.load(job).orElse("");
        OptionalLong estimate = legacy.estimateDocuments(days, metricPrefix);
        Instant started = clock.instant();

        List<Partial> batch = new ArrayList<>(batchSize);
        // documents seen, buckets written, documents whose position is saved
        long[] counts = new long[3];
        String[] lastDocument = {resumeAfter};
        boolean[] stopped = {false};
        ScanReport report;
        try {
            report = legacy.scan(days, metricPrefix, resumeAfter, document -> {
                if (stopped[0] || stop.requested()) {
                    stopped[0] = true;
                    throw new StopScan();
                }
                for (StoredBucket bucket : document.buckets()) {
                    if (bucket.bucket().start() >= from && bucket.bucket().start() < to) {
                        batch.add(partialOf(bucket));
                    }
                }
                counts[0]++;
                lastDocument[0] = document.id();
                // A document with nothing before the boundary (on the boundary's day) fills no batch: save
                // its position all the same, so stops there still make progress.
                if (batch.size() >= batchSize || batch.isEmpty()) {
                    counts[1] += flush(batch, job, document.id());
                    counts[2] = counts[0];
                    onProgress.accept(new Progress(counts[0], estimate, counts[1], started, clock.instant()));
                }
            });
        } catch (StopScan s) {
            report = new ScanReport(counts[0], counts[1], List.of());
        }
        if (stopped[0]) {
            // Only what was saved counts as done: the partial batch is written again on resume.
            // Documents seen after the last save are done again on resume: they do not count here.
            return new Result(counts[2], counts[1], report.skipped(), false);
        }
        counts[1] += flush(batch, job, lastDocument[0]);
        onProgress.accept(new Progress(counts[0], estimate, counts[1], started, clock.instant()));
        ledger.backfillCompleted(range, clock.instant());
        return new Result(counts[0], counts[1], report.skipped(), true);
    }

    private long flush(List<Partial> batch, String job, String lastDocument) {
        if (!batch.isEmpty()) {
            rateLimit.acquire(batch.size());
            newStore.write(List.copyOf(batch));
        }
        long written = batch.size();
        batch.clear();
        progress.save(job, lastDocument);
        return written;
    }

    static Partial partialOf(StoredBucket bucket) {
        Kind kind = bucket.aggregate().kind();
        return new Partial(new PartialId(bucket.series(), kind, bucket.resolution(), bucket.bucket(), ORIGIN),
                bucket.aggregate(), ALL);
    }

    /** Unwinds the scan when a stop is requested. */
    private static final class StopScan extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopScan() {
            super("backfill stopped", null, false, false);
        }
    }
}
