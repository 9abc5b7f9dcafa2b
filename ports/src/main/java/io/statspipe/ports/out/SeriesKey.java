package io.statspipe.ports.out;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;

/** A stored series and its kind. */
public record SeriesKey(Series series, Kind kind) {
}
