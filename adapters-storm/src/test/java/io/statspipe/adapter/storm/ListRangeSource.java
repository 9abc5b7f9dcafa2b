package io.statspipe.adapter.storm;

import java.util.List;

/**
 * A partition's log held in a list, for tests without Kafka: the record at offset {@code o} is
 * {@code records.get(o)}, every record stamped {@code timestamp}. The list may grow while it is read.
 */
final class ListRangeSource implements RangeSource {
    private final List<byte[]> records;
    private final long timestamp;

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
}
