package io.statspipe.domain;

import java.util.regex.Pattern;

/**
 * The identity of a batch of events as its producer first spooled it: the producer (one agent
 * instance's durable id) and the producer's sequence number, increasing in the order the
 * producer sends. A batch resent after a retry or a crash keeps its id, so a consumer can
 * recognise it as a duplicate (see {@link ProducerSequences}).
 */
public record BatchId(String producer, long sequence) {
    private static final Pattern PRODUCER = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    public BatchId {
        if (producer == null || !PRODUCER.matcher(producer).matches()) {
            throw new InvalidStatException("producer id '" + producer
                    + "' must be 1-64 letters, digits, _ - or .");
        }
        if (sequence < 0) {
            throw new InvalidStatException("batch sequence must not be negative, got " + sequence);
        }
    }

    @Override
    public String toString() {
        return producer + "#" + sequence;
    }
}
