package io.statspipe.adapter.kafka;

import java.time.Duration;
import java.util.Optional;

/**
 * What the store-and-forward agent is doing, as an operator sees it.
 *
 * @param spooling true while Kafka has been unreachable longer than the configured threshold
 * @param spoolDepthEvents events spooled and not yet acknowledged by Kafka
 * @param spoolDepthBatches batches spooled and not yet acknowledged by Kafka
 * @param spoolBytes bytes of spool segments on disk
 * @param oldestUnsent age of the oldest batch not yet acknowledged by Kafka, if any is waiting
 * @param forwardedEvents events acknowledged by Kafka since start
 * @param forwardedBatches spooled batches acknowledged by Kafka since start
 * @param rejectedInputs input rejected as invalid since start (StatsD lines, HTTP events, batches Kafka refused)
 * @param refusedEvents events refused because the spool was full, since start
 * @param recoveredTornBytes bytes of torn spool tail dropped by recovery at start
 */
public record AgentHealth(boolean spooling, long spoolDepthEvents, long spoolDepthBatches, long spoolBytes,
        Optional<Duration> oldestUnsent, long forwardedEvents, long forwardedBatches, long rejectedInputs,
        long refusedEvents, long recoveredTornBytes) {
}
