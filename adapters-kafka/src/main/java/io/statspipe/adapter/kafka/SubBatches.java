package io.statspipe.adapter.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The payload of one spool record: the encoded sub-batches of one spooled batch, one per
 * partition of the events topic, all under the batch's id.
 * Layout: {@code [int count]} then per sub-batch {@code [int partition][int length][bytes]}, then,
 * in the last record of a request that carried an {@code Idempotency-Key}, the request's
 * receipt: {@code [int RECEIPT][int length][bytes]} ({@link RecentKeys.Receipt}). A payload
 * written before receipts existed simply ends after its sub-batches.
 */
final class SubBatches {
    /** One Kafka record to be: the partition and the encoded batch. */
    record SubBatch(int partition, byte[] bytes) {
    }

    /** Marks a receipt after the sub-batches ("RCPT"). */
    private static final int RECEIPT = 0x52435054;

    private SubBatches() {
    }

    static byte[] write(List<SubBatch> subBatches, Optional<byte[]> receipt) {
        int size = 4 + receipt.map(r -> 8 + r.length).orElse(0);
        for (SubBatch s : subBatches) {
            size += 8 + s.bytes().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(subBatches.size());
        for (SubBatch s : subBatches) {
            out.putInt(s.partition()).putInt(s.bytes().length).put(s.bytes());
        }
        receipt.ifPresent(r -> out.putInt(RECEIPT).putInt(r.length).put(r));
        return out.array();
    }

    /** The receipt the payload ends with, if any. */
    static Optional<byte[]> receipt(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        int count = in.getInt();
        for (int i = 0; i < count; i++) {
            in.getInt(); // the partition
            int length = in.getInt();
            in.position(in.position() + length);
        }
        if (in.remaining() < 8 || in.getInt() != RECEIPT) {
            return Optional.empty();
        }
        byte[] receipt = new byte[in.getInt()];
        in.get(receipt);
        return Optional.of(receipt);
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
