package io.statspipe.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.out.EventBatchFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The topology's reading of event batches, per event: records of 2,000 counter events over a
 * partition's share of 10k series (the topology benchmark's shape), read three ways in the same
 * run —
 * <ul>
 *   <li>{@code decodeInto}: what the topology does, {@link EventBatchFormat#decodeInto} into a sink
 *       that adds up the increments;</li>
 *   <li>{@code decodeToEvents}: {@link ProtobufEventBatchFormat#decode}, an {@link Event} per event;</li>
 *   <li>{@code generatedParser}, the baseline: protobuf's generated parser, then the domain's
 *       series and events built from its messages — the textbook reader.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class DecodeBenchmark {
    static final int RECORDS = 32;
    static final int EVENTS_PER_RECORD = 2_000;
    private static final long T0 = 1_700_000_040_000L;

    @Param({"2500"})
    public int series;

    private byte[][] records;
    private ProtobufEventBatchFormat format;
    private final Sum sum = new Sum();

    /**
     * Adds up the increments it is handed, and touches each series and index as a counting sink
     * would (by identity), into fields, so that nothing can be optimised away.
     */
    static final class Sum implements EventBatchFormat.EventSink {
        long increments;
        long seen;

        @Override
        public boolean begin(BatchId id, int seriesCount) {
            return true;
        }

        @Override
        public void series(int index, Series s) {
            seen += System.identityHashCode(s);
        }

        @Override
        public void event(int seriesIndex, long timestamp, Kind kind, double value, double sampleRate, boolean relative) {
            increments += Event.increment(value, sampleRate);
            seen += seriesIndex;
        }
    }

    @Setup(Level.Trial)
    public void generate() {
        Random random = new Random(20261126);
        List<Series> all = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            all.add(Series.of("bench.hits", "series", "s" + s));
        }
        format = new ProtobufEventBatchFormat();
        records = new byte[RECORDS][];
        for (int r = 0; r < RECORDS; r++) {
            List<Event> events = new ArrayList<>(EVENTS_PER_RECORD);
            for (int i = 0; i < EVENTS_PER_RECORD; i++) {
                long t = T0 + (long) (r * EVENTS_PER_RECORD + i) / 1_000;
                events.add(Event.counter(all.get(random.nextInt(series)), t, 1 + random.nextInt(3)));
            }
            records[r] = format.encode(new EventBatch(new BatchId("bench", r + 1), events));
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS * EVENTS_PER_RECORD)
    public long decodeInto() {
        sum.increments = 0;
        for (byte[] record : records) {
            format.decodeInto(record, sum);
        }
        return sum.increments;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS * EVENTS_PER_RECORD)
    public long decodeToEvents() {
        long total = 0;
        for (byte[] record : records) {
            for (Event e : format.decode(record).events()) {
                total += e.increment();
            }
        }
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS * EVENTS_PER_RECORD)
    public long generatedParser() throws InvalidProtocolBufferException {
        long total = 0;
        for (byte[] record : records) {
            var batch = io.statspipe.adapter.kafka.wire.v1.EventBatch.parseFrom(record);
            List<Series> table = new ArrayList<>(batch.getSeriesCount());
            for (var s : batch.getSeriesList()) {
                TreeMap<String, String> tags = new TreeMap<>();
                s.getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
                table.add(new Series(s.getMetric(), Tags.of(tags)));
            }
            for (var e : batch.getEventsList()) {
                Event event = new Event(table.get(e.getSeries()), batch.getBaseTimestampMs() + e.getTimestampDeltaMs(),
                        Kind.COUNTER, e.getLongValue(), e.getSampleRate() == 0 ? 1.0 : e.getSampleRate());
                total += event.increment();
            }
        }
        return total;
    }
}
