package io.statspipe.adapter.kafka.spool;

/**
 * The spool's state at one moment.
 *
 * @param unsentBatches appended and not yet acknowledged
 * @param unsentEvents events in those batches
 * @param bytesOnDisk size of the segment files
 * @param oldestUnsentMillis when the oldest unsent batch was spooled, or -1 when none is waiting
 * @param refusedBatches appends refused because the spool was full, since start
 * @param refusedEvents events in those appends
 * @param truncatedBytes bytes of torn or corrupt tail dropped by recovery at start
 */
public record SpoolStats(long unsentBatches, long unsentEvents, long bytesOnDisk, long oldestUnsentMillis,
        long refusedBatches, long refusedEvents, long truncatedBytes) {
}
