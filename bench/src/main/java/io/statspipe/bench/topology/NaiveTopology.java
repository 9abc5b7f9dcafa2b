package io.statspipe.bench.topology;

import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.domain.Bucket;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.storm.Config;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.kafka.spout.FirstPollOffsetStrategy;
import org.apache.storm.kafka.spout.Func;
import org.apache.storm.kafka.spout.KafkaSpout;
import org.apache.storm.kafka.spout.KafkaSpoutConfig;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;
import org.apache.storm.utils.TupleUtils;

/**
 * The baseline: the textbook topology, one tuple per event and no combining before the shuffle.
 * KafkaSpout → explode (decode a record, emit each event) → fieldsGrouping by series → count
 * per series and minute, written to KairosDB on one-second ticks. It does not count exactly
 * (it acks on receipt); it only sets the speed to beat.
 */
public final class NaiveTopology {
    public static final AtomicLong EVENTS_WRITTEN = new AtomicLong();
    public static final AtomicLong POINTS_WRITTEN = new AtomicLong();
    public static final AtomicLong FIRST_RECORD_AT = new AtomicLong();

    private NaiveTopology() {
    }

    /** Zeroes the counters before a run (they are shared by every naive topology in this JVM). */
    public static void reset() {
        EVENTS_WRITTEN.set(0);
        POINTS_WRITTEN.set(0);
        FIRST_RECORD_AT.set(0);
    }

    public static StormTopology build(String bootstrapServers, String topic, String group, String kairosUrl) {
        KafkaSpoutConfig<byte[], byte[]> spout = new KafkaSpoutConfig.Builder<byte[], byte[]>(bootstrapServers, topic)
                .setProp(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName())
                .setProp(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName())
                .setGroupId(group).setFirstPollOffsetStrategy(FirstPollOffsetStrategy.UNCOMMITTED_EARLIEST)
                .setRecordTranslator(new Bytes(), new Fields("value")).build();
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("events", new KafkaSpout<>(spout), 1);
        builder.setBolt("explode", new Explode(), 1).shuffleGrouping("events");
        builder.setBolt("count", new Count(kairosUrl), 1).fieldsGrouping("explode", new Fields("series"));
        return builder.createTopology();
    }

    public static Config config() {
        Config conf = new Config();
        conf.setMaxSpoutPending(5_000);
        conf.setMessageTimeoutSecs(120);
        return conf;
    }

    static final class Bytes implements Func<ConsumerRecord<byte[], byte[]>, List<Object>> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<Object> apply(ConsumerRecord<byte[], byte[]> record) {
            return List.of(record.value());
        }
    }

    static final class Explode extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private transient OutputCollector collector;
        private transient ProtobufEventBatchFormat format;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            this.format = new ProtobufEventBatchFormat();
        }

        @Override
        public void execute(Tuple tuple) {
            try {
                FIRST_RECORD_AT.compareAndSet(0, System.currentTimeMillis());
                EventBatch batch = format.decode(tuple.getBinary(0));
                for (Event e : batch.events()) {
                    collector.emit(tuple, new Values(e.series().toString(), e.series(), e.timestamp(), e.increment()));
                }
                collector.ack(tuple);
            } catch (RuntimeException e) {
                collector.fail(tuple);
            }
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("series", "value", "timestamp", "increment"));
        }
    }

    static final class Count extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private final String kairosUrl;
        private transient OutputCollector collector;
        private transient KairosAggregateStore store;
        private transient Map<Series, Map<Long, long[]>> cells;
        private transient long seq;
        private transient long pendingEvents;

        Count(String kairosUrl) {
            this.kairosUrl = kairosUrl;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            this.store = new KairosAggregateStore(KairosStoreConfig.of(kairosUrl));
            this.cells = new HashMap<>();
        }

        @Override
        public void execute(Tuple tuple) {
            try {
                if (TupleUtils.isTick(tuple)) {
                    flush();
                    return;
                }
                Series series = (Series) tuple.getValue(1);
                long bucket = Resolution.MINUTE.bucketOf(tuple.getLong(2)).start();
                cells.computeIfAbsent(series, s -> new HashMap<>()).computeIfAbsent(bucket, b -> new long[1])[0] += tuple.getLong(3);
                pendingEvents++;
                collector.ack(tuple);
            } catch (RuntimeException e) {
                collector.fail(tuple);
            }
        }

        private void flush() {
            List<Partial> partials = new ArrayList<>();
            Origin origin = new Origin("naive", seq++, 0);
            cells.forEach((series, buckets) -> buckets.forEach((start, count) -> partials.add(new Partial(
                    new PartialId(series, Kind.COUNTER, Resolution.MINUTE, new Bucket(start, Resolution.MINUTE.widthMillis()), origin),
                    new CounterAggregate(count[0]), EnumSet.of(io.statspipe.domain.Aggregation.Type.COUNT)))));
            if (!partials.isEmpty()) {
                store.write(partials);
                POINTS_WRITTEN.addAndGet(partials.size());
                EVENTS_WRITTEN.addAndGet(pendingEvents);
            }
            cells.clear();
            pendingEvents = 0;
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            Map<String, Object> conf = new HashMap<>();
            conf.put(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, 1);
            return conf;
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }
}
