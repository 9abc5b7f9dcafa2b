package io.statspipe.ports.in;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Resolution;
import java.time.Instant;
import java.util.Optional;

/**
 * The data points of one tenant to delete: of one metric (every kind and resolution statspipe
 * stores it at) or of all its metrics, whose buckets start in {@code range}. The range is whole
 * hours, so that each bucket of every resolution (minutes, hours) lies inside it or outside it:
 * deleting never cuts a bucket, so what is left is exactly what was there.
 */
public record DataSelection(String tenant, Optional<String> metric, TimeRange range) {
    public DataSelection {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidStatException("a deletion needs a tenant");
        }
        if (metric == null || metric.map(String::isBlank).orElse(false)) {
            throw new InvalidStatException("a deletion's metric must be a name or left out, not blank");
        }
        wholeHour("from", range.from());
        wholeHour("to", range.to());
    }

    private static void wholeHour(String name, long at) {
        if (Math.floorMod(at, Resolution.HOUR.widthMillis()) != 0) {
            throw new InvalidStatException("'" + name + "' must be a whole hour (UTC), so that no bucket is cut in two: got "
                    + Instant.ofEpochMilli(at));
        }
    }

    /** For messages: the tenant, the metric or "every metric", the range. */
    @Override
    public String toString() {
        return "tenant " + tenant + ", " + metric.map(m -> "metric " + m).orElse("every metric") + ", from "
                + Instant.ofEpochMilli(range.from()) + " to " + Instant.ofEpochMilli(range.to());
    }
}
