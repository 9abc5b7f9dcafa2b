package io.statspipe.domain;

import java.util.List;

/**
 * What one flush of a rollup hands back: the partials of every bucket its range touched, and
 * what happened to the range's events. {@code watermarkAtStart} is the watermark the range
 * began with; recording it with the range lets a replay make the same late/refused decisions.
 */
public record Flush(Origin origin, List<Partial> partials, long events, long lateEvents, long refusedEvents,
                    long watermarkAtStart, long watermarkAtEnd) {

    public Flush {
        partials = List.copyOf(partials);
    }
}
