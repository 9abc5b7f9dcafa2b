package io.statspipe.ports.out;

import io.statspipe.domain.EventBatch;

/**
 * How event batches are written to and read from the event log's records. The event log's
 * adapter owns the format; consumers that read the log's records directly (the topology) are
 * handed this port, so they never depend on that adapter.
 */
public interface EventBatchFormat {

    byte[] encode(EventBatch batch);

    /**
     * @throws io.statspipe.domain.InvalidStatException naming what is wrong with the bytes
     *         (truncated, unknown version, invalid series ...); never any other exception
     */
    EventBatch decode(byte[] record);
}
