package io.statspipe.ports.out;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Series;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A flush about to be written: its origin (stream, sequence number, first offset), the last
 * offset it covers, the state its range began with (the watermark, the highest batch sequence
 * seen per producer, and the gauge levels that relative gauge values change, those not 0, see
 * {@link io.statspipe.domain.GaugeLevels}), the coarse range it belongs to, and the settings that decided
 * what it counted. Recorded before the partials are written, so that after a crash exactly this
 * range is re-aggregated, with the same decisions, and rewritten.
 *
 * <p>The finest range {@code [origin.firstOffset, lastOffset]} may be empty ({@code lastOffset =
 * firstOffset - 1}) only for a flush that cuts the coarse range alone (a partition that went
 * quiet while its coarser buckets were open).
 *
 * @param coarse   the coarse range: coarser resolutions are folded from {@code coarse.firstOffset}
 *                 through this flush, and written by it when {@code coarse.cut}
 * @param counting what decides the counting (rules, horizon, lateness, clock skew, record limit,
 *                 coarse cadence), by setting name: a pending flush replays only under the same
 */
public record FlushIntent(Origin origin, long lastOffset, long watermarkAtStart, Map<String, Long> producersAtStart,
                          Map<Series, Double> levelsAtStart, CoarseRange coarse, SortedMap<String, String> counting) {

    /** A flush whose range began with every gauge level at 0. */
    public FlushIntent(Origin origin, long lastOffset, long watermarkAtStart, Map<String, Long> producersAtStart,
                       CoarseRange coarse, SortedMap<String, String> counting) {
        this(origin, lastOffset, watermarkAtStart, producersAtStart, Map.of(), coarse, counting);
    }

    public FlushIntent {
        if (origin == null || coarse == null || counting == null) {
            throw new InvalidStatException("flush intent needs an origin, a coarse range and its counting settings");
        }
        if (lastOffset < origin.firstOffset() && !(coarse.cut() && lastOffset == origin.firstOffset() - 1)) {
            throw new InvalidStatException("flush intent must cover at least one offset unless it cuts the coarse range: "
                    + origin + " to " + lastOffset);
        }
        if (coarse.firstOffset() > origin.firstOffset()) {
            throw new InvalidStatException("coarse range of " + origin + " starts after it, at offset "
                    + coarse.firstOffset());
        }
        producersAtStart = Map.copyOf(producersAtStart);
        levelsAtStart = Map.copyOf(levelsAtStart);
        counting = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(counting));
    }

    /** True when the flush's finest range holds at least one offset. */
    public boolean hasFinestRange() {
        return lastOffset >= origin.firstOffset();
    }

    /**
     * The range coarser resolutions have been folded over since their last cut: from
     * {@code firstOffset}, with the watermark, producer sequences and gauge levels as they were there.
     */
    public record CoarseRange(long firstOffset, long watermarkAtStart, Map<String, Long> producersAtStart,
                              Map<Series, Double> levelsAtStart, boolean cut) {

        /** A coarse range that began with every gauge level at 0. */
        public CoarseRange(long firstOffset, long watermarkAtStart, Map<String, Long> producersAtStart, boolean cut) {
            this(firstOffset, watermarkAtStart, producersAtStart, Map.of(), cut);
        }

        public CoarseRange {
            if (firstOffset < 0) {
                throw new InvalidStatException("coarse range offset must not be negative: " + firstOffset);
            }
            producersAtStart = Map.copyOf(producersAtStart);
            levelsAtStart = Map.copyOf(levelsAtStart);
        }
    }
}
