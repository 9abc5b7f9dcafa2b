package io.statspipe.adapter.http;

import java.util.Map;

/**
 * The pipeline's health figures at one moment, as {@code statspipe status} and {@code /metrics}
 * show them.
 *
 * @param ingestedEvents  events the agent accepted (spooled) since start
 * @param refusedLines    ingest lines refused as malformed since start
 * @param ignoredLines    DogStatsD events and service checks received and ignored since start
 * @param spoolRecords    spooled records not yet forwarded to Kafka
 * @param spoolBytes      bytes those records hold on disk
 * @param lagByPartition  records of each events partition not yet counted into a completed flush
 * @param flushes         flushes completed since start
 * @param lastFlushMillis duration of the latest flush
 * @param maxFlushMillis  longest flush since start
 * @param eventsCounted   events counted into completed flushes
 * @param lateEvents      events that arrived after their bucket's allowed lateness (kept, flagged)
 * @param deadLetters     records or events sent to the dead-letter topic
 * @param storeFailures   failed store attempts (retried)
 * @param partialsRefused partials the store refused, sent to the dead-letter topic instead
 * @param readBackRewrites flushes whose points the read-back did not find in the store in time, written again
 * @param activeSeriesByTenant distinct series counted per tenant in the current window (or the last whole one)
 * @param tooNewByProducer events refused as TOO_NEW, by producer (agent id): whose clock runs ahead of the broker's
 */
public record PipelineStatus(long ingestedEvents, long refusedLines, long ignoredLines, long spoolRecords, long spoolBytes,
                             Map<Integer, Long> lagByPartition, long flushes, long lastFlushMillis, long maxFlushMillis,
                             long eventsCounted, long lateEvents, long deadLetters, long storeFailures,
                             long partialsRefused, long readBackRewrites, Map<String, Long> activeSeriesByTenant,
                             Map<String, Long> tooNewByProducer) {

    public static final PipelineStatus NOTHING_YET = new PipelineStatus(0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0,
            0, Map.of(), Map.of());

    public PipelineStatus {
        lagByPartition = Map.copyOf(lagByPartition);
        activeSeriesByTenant = Map.copyOf(activeSeriesByTenant);
        tooNewByProducer = Map.copyOf(tooNewByProducer);
    }

    public long totalLag() {
        return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
    }
}
