package io.statspipe.adapter.storm;

/** Reads a range of a partition's records again, for recovery. */
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
}
