package io.statspipe.adapter.storm;

import io.statspipe.domain.Flush;
import io.statspipe.ports.out.DeadLetter;
import io.statspipe.ports.out.FlushIntent;
import java.util.List;
import java.util.Map;

/**
 * A flush cut from a partition's range, with its intent and the range's dead letters, not yet committed.
 * {@code tooNewByProducer}: the range's events refused as TOO_NEW, by the producer whose clock ran ahead.
 */
public record PendingFlush(int partition, FlushIntent intent, Flush flush, List<DeadLetter> deadLetters,
                           long duplicateBatches, Map<String, Long> tooNewByProducer) {

    public PendingFlush {
        deadLetters = List.copyOf(deadLetters);
        tooNewByProducer = Map.copyOf(tooNewByProducer);
    }
}
