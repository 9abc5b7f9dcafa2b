package io.statspipe.adapter.storm;

import io.statspipe.domain.Flush;
import io.statspipe.ports.out.FlushIntent;
import java.util.List;

/** A flush cut from a partition's range, with its intent and the range's dead letters, not yet committed. */
public record PendingFlush(int partition, FlushIntent intent, Flush flush, List<DeadLetter> deadLetters,
                           long duplicateBatches) {

    public PendingFlush {
        deadLetters = List.copyOf(deadLetters);
    }
}
