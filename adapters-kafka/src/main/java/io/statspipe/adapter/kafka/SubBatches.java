package io.statspipe.adapter.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of one spool record: the encoded sub-batches of one spooled batch, one per
 * partition of the events topic, all under the batch's id.
 * Layout: {@code [int count]} then per sub-batch {@code [int partition][int length][bytes]}.
 */
final class SubBatches {
    /** One Kafka record to be: the partition and the encoded batch. */
    record SubBatch(int partition, byte[] bytes) {
    }

    private SubBatches() {
    }

    static byte[] write(List<SubBatch> subBatches) {
        int size = 4;
        for (SubBatch s : subBatches) {
            size += 8 + s.bytes().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(subBatches.size());
        for (SubBatch s : subBatches) {
            out.putInt(s.partition()).putInt(s.bytes().length).put(s.bytes());
        }
        return out.array();
    }

    static List<SubBatch> read(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        int count = in.getInt();
        List<SubBatch> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int partition = in.getInt();
            byte[] bytes = new byte[in.getInt()];
            in.get(bytes);
            out.add(new SubBatch(partition, bytes));
        }
        return out;
    }
}
