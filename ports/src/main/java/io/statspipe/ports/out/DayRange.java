package io.statspipe.ports.out;

import io.statspipe.domain.InvalidStatException;
import java.time.LocalDate;

/** UTC days {@code [first, last]}, both included. */
public record DayRange(LocalDate first, LocalDate last) {

    public DayRange {
        if (first == null || last == null || last.isBefore(first)) {
            throw new InvalidStatException("day range must not end before it starts: " + first + " to " + last);
        }
    }
}
