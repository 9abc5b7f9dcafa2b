package io.statspipe.adapter.storm;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.storm.Config;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.kafka.spout.FirstPollOffsetStrategy;
import org.apache.storm.kafka.spout.Func;
import org.apache.storm.kafka.spout.KafkaSpout;
import org.apache.storm.kafka.spout.KafkaSpoutConfig;
import org.apache.storm.kafka.spout.KafkaSpoutConfig.ProcessingGuarantee;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;

/**
 * The topology, wired in one place:
 *
 * <pre>
 *   stats.events ─▶ KafkaSpout "events" (at-least-once; a tuple = one record = one batch of events)
 *                     │ PartitionGrouping: partition p to rollup task p mod tasks (whole partitions, known in advance)
 *                     ▼
 *                  RollupBolt "rollup": decode → drop duplicate batches → Rollup → flush
 *                     ├─▶ intent (stats.flush-intents) → partials (WritePartialsPort) → complete → ack
 *                     └─▶ refused input → stats.deadletter, with its reason
 * </pre>
 *
 * The same topology runs in {@link LocalTopologyRunner} and through {@link ClusterSubmission}.
 */
public final class StatsTopology {
    public static final String SPOUT = "events";
    public static final String ROLLUP = "rollup";
    static final String PARTITION = "partition";
    static final String OFFSET = "offset";
    static final String TIMESTAMP = "timestamp";
    static final String VALUE = "value";

    private StatsTopology() {
    }

    public static StormTopology build(TopologySettings settings, TopologyPlugs plugs) {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout(SPOUT, new KafkaSpout<>(spoutConfig(settings)), settings.spoutParallelism());
        builder.setBolt(ROLLUP, new RollupBolt(settings, plugs), settings.rollupParallelism())
                .customGrouping(SPOUT, new PartitionGrouping());
        return builder.createTopology();
    }

    /** Storm configuration: acking on, pending records bounded (that is what throttles during a store outage). */
    public static Config config(TopologySettings settings) {
        Config conf = new Config();
        conf.setNumWorkers(settings.workers());
        conf.setMaxSpoutPending(settings.maxSpoutPending());
        conf.setMessageTimeoutSecs((int) settings.messageTimeout().toSeconds());
        conf.put(Config.TOPOLOGY_DEBUG, false);
        // A tuple carries a whole batch, so an executor waits for work often and a 1 ms nap costs
        // nothing. Storm's default first wakes an idle bolt 1,000 times (parkNanos(1), ~50 µs
        // each) before napping: the acker and an idle rollup task burnt CPU the busy one needed.
        conf.put(Config.TOPOLOGY_BOLT_WAIT_PROGRESSIVE_LEVEL2_COUNT, 10);
        // A queued tuple holds a whole record. Storm's default queue of 32,768 tuples per executor
        // let the spout run far ahead of the rollup tasks (gigabytes of records waiting, in the
        // old generation by the time they were counted); 1,024 records are still seconds of work.
        conf.put(Config.TOPOLOGY_EXECUTOR_RECEIVE_BUFFER_SIZE, 1024);
        return conf;
    }

    static KafkaSpoutConfig<byte[], ByteBuffer> spoutConfig(TopologySettings settings) {
        return new SpoutConfig(new KafkaSpoutConfig.Builder<byte[], ByteBuffer>(settings.bootstrapServers(), settings.eventsTopic())
                .setProp(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName())
                // the value as the consumer decoded it, copied only when it is part of a larger buffer
                .setProp(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName())
                .setProp(new HashMap<>(settings.kafkaClientProperties()))
                .setGroupId(settings.consumerGroup())
                .setProcessingGuarantee(ProcessingGuarantee.AT_LEAST_ONCE)
                .setFirstPollOffsetStrategy(FirstPollOffsetStrategy.UNCOMMITTED_EARLIEST)
                .setOffsetCommitPeriodMs(5_000)
                .setRecordTranslator(new RecordToTuple(), new Fields(PARTITION, OFFSET, TIMESTAMP, VALUE)));
    }

    /**
     * The spout's configuration, described without the values of its Kafka properties: the spout
     * logs its configuration when it opens (at INFO in a Storm worker's log), and a SASL or
     * keystore password must not be in it.
     */
    static final class SpoutConfig extends KafkaSpoutConfig<byte[], ByteBuffer> {
        private static final long serialVersionUID = 1L;

        SpoutConfig(KafkaSpoutConfig.Builder<byte[], ByteBuffer> builder) {
            super(builder);
        }

        @Override
        public String toString() {
            return "KafkaSpoutConfig{topics=" + getTopicFilter().getTopicsString() + ", group=" + getConsumerGroupId()
                    + ", guarantee=" + getProcessingGuarantee() + ", kafkaProps (values not shown)="
                    + new TreeSet<>(getKafkaProps().keySet()) + "}";
        }
    }

    /** One record, one tuple: the batch stays in its bytes until the rollup task decodes it. */
    static final class RecordToTuple implements Func<ConsumerRecord<byte[], ByteBuffer>, List<Object>> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<Object> apply(ConsumerRecord<byte[], ByteBuffer> record) {
            // a list whose value can be replaced: see RollupBolt#dropValue
            return Arrays.asList(record.partition(), record.offset(), record.timestamp(), bytes(record.value()));
        }

        /**
         * The value's bytes. A record of a compressed batch arrives in a buffer of its own, whose
         * array is the value: taken as is. A record of an uncompressed batch is a view of the
         * fetched bytes: copied.
         */
        static byte[] bytes(ByteBuffer value) {
            if (value == null) {
                return new byte[0];
            }
            if (value.hasArray() && value.arrayOffset() == 0 && value.position() == 0
                    && value.remaining() == value.array().length) {
                return value.array();
            }
            byte[] copy = new byte[value.remaining()];
            value.duplicate().get(copy);
            return copy;
        }
    }
}
