package io.statspipe.adapter.storm;

import java.util.OptionalLong;

/**
 * A partition's log, read again: for recovery, and to fill a gap when a record arrives before an
 * earlier one that was not counted yet.
 */
public interface RangeSource {

    /** One record: its offset, its Kafka timestamp and its bytes. */
    @FunctionalInterface
    interface RecordSink {
        void accept(long offset, long timestamp, byte[] value);
    }

    /**
     * Hands every record of {@code partition} with an offset in {@code [first, last]} to the sink, in
     * offset order.
     *
     * @throws io.statspipe.ports.out.EngineUnavailableException when the log cannot be read now
     */
    void read(int partition, long first, long last, RecordSink sink);

    /**
     * The offset of the oldest record {@code partition} still holds: where a partition that never
     * flushed starts counting.
     *
     * @throws io.statspipe.ports.out.EngineUnavailableException when the log cannot be asked now
     */
    long firstOffset(int partition);

    /**
     * The offset the topology's spout committed for {@code partition} (the next record its
     * consumer group would read), empty when it committed none. The spout commits only acked
     * records, and a record is acked only once its flush is completed, so a committed offset past
     * the log's first means records were counted under flush intents.
     *
     * @throws io.statspipe.ports.out.EngineUnavailableException when Kafka cannot be asked now
     */
    OptionalLong committedOffset(int partition);
}
