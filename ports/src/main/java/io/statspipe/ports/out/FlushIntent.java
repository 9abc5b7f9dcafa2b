package io.statspipe.ports.out;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Origin;
import java.util.Map;

/**
 * A flush about to be written: its origin (stream, sequence number, first offset), the last
 * offset it covers, and the state its range began with (the watermark, and the highest batch
 * sequence seen per producer). Recorded before the partials are written, so that after a crash
 * exactly this range is re-aggregated, with the same decisions, and rewritten.
 */
public record FlushIntent(Origin origin, long lastOffset, long watermarkAtStart, Map<String, Long> producersAtStart) {

    public FlushIntent {
        if (origin == null || lastOffset < origin.firstOffset()) {
            throw new InvalidStatException("flush intent must cover at least one offset: " + origin + " to " + lastOffset);
        }
        producersAtStart = Map.copyOf(producersAtStart);
    }
}
