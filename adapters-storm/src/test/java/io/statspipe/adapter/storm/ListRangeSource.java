package io.statspipe.adapter.storm;

import java.util.List;
import java.util.OptionalLong;

/**
 * A partition's log held in a list, for tests without Kafka: the record at offset {@code o} is
 * {@code records.get(o)}, every record stamped {@code timestamp}. The list may grow while it is read.
 * The spout's group has committed nothing unless {@link #committed} says otherwise.
 */
final class ListRangeSource implements RangeSource {
    private final List<byte[]> records;
    private final long timestamp;
    private OptionalLong committed = OptionalLong.empty();

    ListRangeSource(List<byte[]> records, long timestamp) {
        this.records = records;
        this.timestamp = timestamp;
    }

    @Override
    public void read(int partition, long first, long last, RecordSink sink) {
        for (long o = first; o <= last && o < records.size(); o++) {
            sink.accept(o, timestamp, records.get((int) o));
        }
    }

    @Override
    public long firstOffset(int partition) {
        return 0;
    }

    @Override
    public OptionalLong committedOffset(int partition) {
        return committed;
    }

    /** As if the spout's consumer group had committed {@code offset}. */
    ListRangeSource committed(long offset) {
        committed = OptionalLong.of(offset);
        return this;
    }
}
