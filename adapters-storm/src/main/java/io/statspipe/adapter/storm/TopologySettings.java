package io.statspipe.adapter.storm;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.SeriesLimits;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything the topology is configured with, with defaults that run on one machine. Storm
 * serializes the bolts, and this record with them.
 *
 * @param topologyName       the Storm topology name, also the key of {@link PipelineHealth}
 * @param bootstrapServers   Kafka brokers ({@code host:port,...})
 * @param eventsTopic        where event batches arrive ({@code stats.events})
 * @param deadLetterTopic    where bad input goes with its reason ({@code stats.deadletter})
 * @param intentsTopic       the compacted topic of flush intents ({@code stats.flush-intents})
 * @param consumerGroup      the spout's consumer group (its committed offsets)
 * @param flushInterval      how long a partition's range stays open before it is flushed (at least 1 s)
 * @param allowedLateness    see {@link RollupSettings}
 * @param horizon            see {@link RollupSettings}
 * @param maxClockSkew       events later than their Kafka record's time (the broker's append time) plus this
 *                           are refused as TOO_NEW
 * @param maxRecordBytes     larger records are dead-lettered as oversized without being decoded
 * @param spoutParallelism   KafkaSpout executors
 * @param rollupParallelism  rollup executors (each owns whole partitions)
 * @param workers            worker JVMs in a cluster
 * @param maxSpoutPending    unacked records per spout task; it must cover a flush interval of input,
 *                           since a record is acked only once its flush is completed
 * @param messageTimeout     Storm's tuple timeout; a timed-out record comes back as a duplicate
 * @param coarseFlushInterval how long coarser resolutions (a rule's hours beside its minutes) fold
 *                           before their partials are written (at least the flush interval): their
 *                           freshness, and the most Kafka a recovery re-reads per partition
 * @param seriesLimits       most distinct series counted per window, per tenant and in all, over
 *                           every partition together (each partition admits its share, see
 *                           {@link SeriesLimits#shareOf})
 * @param kafkaClientProperties extra properties for every Kafka client of the topology (the spout, the
 *                           flush intents, the range source, the dead letters): TLS and SASL settings,
 *                           applied over the topology's own; the configuration refuses the keys the
 *                           topology relies on (group, offsets, serializers, ...)
 */
public record TopologySettings(String topologyName, String bootstrapServers, String eventsTopic,
                               String deadLetterTopic, String intentsTopic, String consumerGroup,
                               Duration flushInterval, Duration allowedLateness, Duration horizon,
                               Duration maxClockSkew, int maxRecordBytes, int spoutParallelism,
                               int rollupParallelism, int workers, int maxSpoutPending,
                               Duration messageTimeout, Duration coarseFlushInterval, SeriesLimits seriesLimits,
                               Map<String, String> kafkaClientProperties)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public TopologySettings {
        requireName("topologyName", topologyName);
        requireName("bootstrapServers", bootstrapServers);
        requireName("eventsTopic", eventsTopic);
        requireName("deadLetterTopic", deadLetterTopic);
        requireName("intentsTopic", intentsTopic);
        requireName("consumerGroup", consumerGroup);
        if (flushInterval == null || flushInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidStatException("flushInterval must be at least 1 s (at most one flush per second"
                    + " per partition keeps partial slots distinct), got " + flushInterval);
        }
        new RollupSettings(allowedLateness, horizon);
        if (maxClockSkew == null || maxClockSkew.isNegative()) {
            throw new InvalidStatException("maxClockSkew must be zero or positive, got " + maxClockSkew);
        }
        if (maxRecordBytes < 64) {
            throw new InvalidStatException("maxRecordBytes must be at least 64, got " + maxRecordBytes);
        }
        if (spoutParallelism < 1 || rollupParallelism < 1 || workers < 1) {
            throw new InvalidStatException("spoutParallelism, rollupParallelism and workers must be at least 1, got "
                    + spoutParallelism + ", " + rollupParallelism + ", " + workers);
        }
        if (maxSpoutPending < 1) {
            throw new InvalidStatException("maxSpoutPending must be at least 1, got " + maxSpoutPending);
        }
        if (coarseFlushInterval == null || coarseFlushInterval.compareTo(flushInterval) < 0) {
            throw new InvalidStatException("coarseFlushInterval must be at least flushInterval " + flushInterval
                    + ", got " + coarseFlushInterval);
        }
        if (seriesLimits == null) {
            throw new InvalidStatException("topology setting 'seriesLimits' must be set (SeriesLimits.NONE for none)");
        }
        if (messageTimeout == null || messageTimeout.compareTo(flushInterval) <= 0) {
            throw new InvalidStatException("messageTimeout " + messageTimeout + " must be longer than flushInterval "
                    + flushInterval + ", or every record would time out before its flush");
        }
        if (kafkaClientProperties == null) {
            throw new InvalidStatException("topology setting 'kafkaClientProperties' must be set (an empty map for none)");
        }
        // a copy Storm can serialize with the bolts
        kafkaClientProperties = Map.copyOf(kafkaClientProperties);
    }

    /** Coarser resolutions are written every 5 minutes unless said otherwise. */
    public static final Duration DEFAULT_COARSE_FLUSH_INTERVAL = Duration.ofMinutes(5);

    /** Series limits for one machine: what a topology in a 4 GB heap holds comfortably. */
    public static final SeriesLimits DEFAULT_SERIES_LIMITS = new SeriesLimits(100_000, 1_000_000);

    /** Settings whose Kafka clients get no extra properties. */
    public TopologySettings(String topologyName, String bootstrapServers, String eventsTopic, String deadLetterTopic,
                            String intentsTopic, String consumerGroup, Duration flushInterval, Duration allowedLateness,
                            Duration horizon, Duration maxClockSkew, int maxRecordBytes, int spoutParallelism,
                            int rollupParallelism, int workers, int maxSpoutPending, Duration messageTimeout,
                            Duration coarseFlushInterval, SeriesLimits seriesLimits) {
        this(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic, consumerGroup, flushInterval,
                allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism, rollupParallelism, workers,
                maxSpoutPending, messageTimeout, coarseFlushInterval, seriesLimits, Map.of());
    }

    /** Settings with the default series limits. */
    public TopologySettings(String topologyName, String bootstrapServers, String eventsTopic, String deadLetterTopic,
                            String intentsTopic, String consumerGroup, Duration flushInterval, Duration allowedLateness,
                            Duration horizon, Duration maxClockSkew, int maxRecordBytes, int spoutParallelism,
                            int rollupParallelism, int workers, int maxSpoutPending, Duration messageTimeout,
                            Duration coarseFlushInterval) {
        this(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic, consumerGroup, flushInterval,
                allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism, rollupParallelism, workers,
                maxSpoutPending, messageTimeout, coarseFlushInterval, DEFAULT_SERIES_LIMITS);
    }

    /** Settings with the default coarse flush interval (or the flush interval, if that is longer). */
    public TopologySettings(String topologyName, String bootstrapServers, String eventsTopic, String deadLetterTopic,
                            String intentsTopic, String consumerGroup, Duration flushInterval, Duration allowedLateness,
                            Duration horizon, Duration maxClockSkew, int maxRecordBytes, int spoutParallelism,
                            int rollupParallelism, int workers, int maxSpoutPending, Duration messageTimeout) {
        this(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic, consumerGroup, flushInterval,
                allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism, rollupParallelism, workers,
                maxSpoutPending, messageTimeout, flushInterval == null || DEFAULT_COARSE_FLUSH_INTERVAL.compareTo(flushInterval) > 0
                        ? DEFAULT_COARSE_FLUSH_INTERVAL : flushInterval);
    }

    /** Defaults for one machine, reading from {@code bootstrapServers}. */
    public static TopologySettings defaults(String bootstrapServers) {
        return new TopologySettings("statspipe", bootstrapServers, "stats.events", "stats.deadletter",
                "stats.flush-intents", "statspipe-topology", Duration.ofSeconds(10),
                RollupSettings.DEFAULTS.allowedLateness(), RollupSettings.DEFAULTS.horizon(), Duration.ofMinutes(5), 4 * 1024 * 1024, 1, 2, 1, 50_000,
                Duration.ofSeconds(60));
    }

    public RollupSettings rollupSettings() {
        return new RollupSettings(allowedLateness, horizon);
    }

    public TopologySettings withName(String name) {
        return new TopologySettings(name, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic, consumerGroup,
                flushInterval, allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism,
                rollupParallelism, workers, maxSpoutPending, messageTimeout, coarseFlushInterval,
                seriesLimits, kafkaClientProperties);
    }

    /** Another flush intents topic (the consumer group stays). */
    public TopologySettings withIntentsTopic(String topic) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, topic, consumerGroup,
                flushInterval, allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism,
                rollupParallelism, workers, maxSpoutPending, messageTimeout, coarseFlushInterval,
                seriesLimits, kafkaClientProperties);
    }

    /** The flush interval; the coarse one becomes at least as long. */
    public TopologySettings withFlushInterval(Duration interval) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic,
                consumerGroup, interval, allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism,
                rollupParallelism, workers, maxSpoutPending, messageTimeout,
                interval != null && interval.compareTo(coarseFlushInterval) > 0 ? interval : coarseFlushInterval,
                seriesLimits, kafkaClientProperties);
    }

    public TopologySettings withCoarseFlushInterval(Duration interval) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic,
                consumerGroup, flushInterval, allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism,
                rollupParallelism, workers, maxSpoutPending, messageTimeout, interval,
                seriesLimits, kafkaClientProperties);
    }

    public TopologySettings withLateness(Duration lateness, Duration newHorizon) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic,
                consumerGroup, flushInterval, lateness, newHorizon, maxClockSkew, maxRecordBytes, spoutParallelism,
                rollupParallelism, workers, maxSpoutPending, messageTimeout, coarseFlushInterval,
                seriesLimits, kafkaClientProperties);
    }

    public TopologySettings withParallelism(int spouts, int rollups) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic,
                consumerGroup, flushInterval, allowedLateness, horizon, maxClockSkew, maxRecordBytes, spouts,
                rollups, workers, maxSpoutPending, messageTimeout, coarseFlushInterval,
                seriesLimits, kafkaClientProperties);
    }

    /** Worker JVMs the topology asks of a cluster (LocalCluster runs every executor in its own JVM). */
    public TopologySettings withWorkers(int count) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic,
                consumerGroup, flushInterval, allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism,
                rollupParallelism, count, maxSpoutPending, messageTimeout, coarseFlushInterval,
                seriesLimits, kafkaClientProperties);
    }

    public TopologySettings withMaxRecordBytes(int bytes) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic,
                consumerGroup, flushInterval, allowedLateness, horizon, maxClockSkew, bytes, spoutParallelism,
                rollupParallelism, workers, maxSpoutPending, messageTimeout, coarseFlushInterval,
                seriesLimits, kafkaClientProperties);
    }

    /** Series limits over every partition together. */
    public TopologySettings withSeriesLimits(SeriesLimits limits) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic,
                consumerGroup, flushInterval, allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism,
                rollupParallelism, workers, maxSpoutPending, messageTimeout, coarseFlushInterval,
                limits, kafkaClientProperties);
    }

    /** Extra properties (TLS, SASL) for every Kafka client of the topology. */
    public TopologySettings withKafkaClientProperties(Map<String, String> properties) {
        return new TopologySettings(topologyName, bootstrapServers, eventsTopic, deadLetterTopic, intentsTopic,
                consumerGroup, flushInterval, allowedLateness, horizon, maxClockSkew, maxRecordBytes, spoutParallelism,
                rollupParallelism, workers, maxSpoutPending, messageTimeout, coarseFlushInterval,
                seriesLimits, properties);
    }

    /** The brokers, and the names of the extra client properties if any, for a log line. */
    public String kafkaDescription() {
        return kafkaClientProperties.isEmpty() ? bootstrapServers
                : bootstrapServers + " (Kafka client properties " + new TreeSet<>(kafkaClientProperties.keySet()) + ")";
    }

    /**
     * The settings with the Kafka client properties named but not shown: a SASL or keystore
     * password must never reach a log.
     */
    @Override
    public String toString() {
        return "TopologySettings[topologyName=" + topologyName + ", bootstrapServers=" + bootstrapServers
                + ", eventsTopic=" + eventsTopic + ", deadLetterTopic=" + deadLetterTopic + ", intentsTopic=" + intentsTopic
                + ", consumerGroup=" + consumerGroup + ", flushInterval=" + flushInterval + ", allowedLateness="
                + allowedLateness + ", horizon=" + horizon + ", maxClockSkew=" + maxClockSkew + ", maxRecordBytes="
                + maxRecordBytes + ", spoutParallelism=" + spoutParallelism + ", rollupParallelism=" + rollupParallelism
                + ", workers=" + workers + ", maxSpoutPending=" + maxSpoutPending + ", messageTimeout=" + messageTimeout
                + ", coarseFlushInterval=" + coarseFlushInterval + ", seriesLimits=" + seriesLimits
                + ", kafkaClientProperties=" + new TreeSet<>(kafkaClientProperties.keySet()) + "]";
    }

    private static void requireName(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidStatException("topology setting '" + key + "' must not be empty");
        }
    }
}
