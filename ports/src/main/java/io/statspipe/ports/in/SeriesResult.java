package io.statspipe.ports.in;

import io.statspipe.domain.Tags;
import java.util.List;

/** The points of one group (its group-by tag values; none without group-by), in time order. */
public record SeriesResult(Tags group, List<Point> points) {

    public SeriesResult {
        points = List.copyOf(points);
    }
}
