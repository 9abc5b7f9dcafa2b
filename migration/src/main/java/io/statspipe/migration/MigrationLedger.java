package io.statspipe.migration;

import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.ProgressPort;
import java.time.Instant;
import java.util.Optional;

/**
 * The durable facts the phase guards rely on, kept through the progress port: which range a
 * backfill completed, and which range a verification found clean (and when).
 */
public final class MigrationLedger {
    static final String BACKFILL_COMPLETED = "migration.backfill.completed";
    static final String VERIFIED_CLEAN = "migration.verify.clean";

    /** A range and when something finished over it. */
    public record Done(TimeRange range, Instant at) {
    }

    private final ProgressPort progress;

    public MigrationLedger(ProgressPort progress) {
        this.progress = progress;
    }

    public void backfillCompleted(TimeRange range, Instant at) {
        progress.save(BACKFILL_COMPLETED, encode(range, at));
    }

    public Optional<Done> backfillCompleted() {
        return progress.load(BACKFILL_COMPLETED).map(MigrationLedger::decode);
    }

    public void verifiedClean(TimeRange range, Instant at) {
        progress.save(VERIFIED_CLEAN, encode(range, at));
    }

    public Optional<Done> verifiedClean() {
        return progress.load(VERIFIED_CLEAN).map(MigrationLedger::decode);
    }

    private static String encode(TimeRange range, Instant at) {
        return range.from() + "," + range.to() + "," + at.toEpochMilli();
    }

    private static Done decode(String stored) {
        String[] parts = stored.split(",");
        if (parts.length != 3) {
            throw new IllegalStateException("migration record '" + stored + "' is not 'from,to,at'");
        }
        return new Done(new TimeRange(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                Instant.ofEpochMilli(Long.parseLong(parts[2])));
    }
}
