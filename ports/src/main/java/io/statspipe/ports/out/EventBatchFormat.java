package io.statspipe.ports.out;

import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;

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

    /**
     * Decodes a record into {@code sink} without an {@link Event} per event: the counting hot
     * path. A record is taken whole or not at all: the sink hears of a batch only once all of it
     * decoded and every event passed {@link Event#check}, so a bad record throws before the sink
     * sees anything, exactly as {@link #decode} would. Exceptions the sink throws pass through.
     * A format may reuse the same {@link Series} instance for equal series, within and across
     * records; this default, for formats without a faster way, hands over one series per event.
     *
     * @throws io.statspipe.domain.InvalidStatException as {@link #decode}
     */
    default void decodeInto(byte[] record, EventSink sink) {
        EventBatch batch = decode(record);
        if (!sink.begin(batch.id(), batch.events().size())) {
            return;
        }
        for (int i = 0; i < batch.events().size(); i++) {
            sink.series(i, batch.events().get(i).series());
        }
        for (int i = 0; i < batch.events().size(); i++) {
            Event e = batch.events().get(i);
            sink.event(i, e.timestamp(), e.kind(), e.value(), e.sampleRate(), e.relative());
        }
    }

    /**
     * Receives a decoded batch: its id, then its table of series, then its events in order, each
     * naming its series by index in the table. Every value handed over is valid for
     * {@link Event#check}.
     */
    interface EventSink {
        /**
         * A batch begins.
         *
         * @param seriesCount the size of the batch's table of series
         * @return false to skip the batch (the sink has counted it already)
         */
        boolean begin(BatchId id, int seriesCount);

        /** Entry {@code index} of the batch's table of series. */
        void series(int index, Series series);

        /**
         * One event of the series at {@code seriesIndex} in the table; {@code relative}: a gauge
         * value that changes the level rather than sets it ({@link Event#relative}).
         */
        void event(int seriesIndex, long timestamp, Kind kind, double value, double sampleRate, boolean relative);
    }
}
