package io.statspipe.adapter.kafka;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.statspipe.adapter.kafka.wire.v1.EventBatchProto;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.out.EventBatchFormat;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Event batches as protobuf messages of {@code statspipe/wire/v1/event_batch.proto} (see
 * docs/design/wire-format.md). Each series is written once per batch, events refer to it by
 * index; timestamps are deltas from the batch's base; integral values are varints.
 *
 * <p>Both directions are written by hand against {@link CodedOutputStream} and
 * {@link CodedInputStream} (no message object per event: encoding runs on the agent's hot path,
 * decoding on the topology's). Decoding rebuilds domain values, so every rule of the domain is
 * checked again on the way in; series are interned by their bytes, so a series seen before costs
 * a hash lookup instead of a validation. An instance may be shared between threads.
 */
public final class ProtobufEventBatchFormat implements EventBatchFormat {
    /** The format version this code writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    /** Largest record accepted, in bytes. */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;
    /** Most events accepted in one batch. */
    public static final int MAX_EVENTS = 200_000;

    // field numbers of event_batch.proto
    private static final int BATCH_VERSION = 1;
    private static final int BATCH_PRODUCER = 2;
    private static final int BATCH_SEQUENCE = 3;
    private static final int BATCH_BASE_TIMESTAMP = 4;
    private static final int BATCH_SERIES = 5;
    private static final int BATCH_EVENTS = 6;
    private static final int BATCH_EVENT_COUNT = 15;
    private static final int SERIES_METRIC = 1;
    private static final int SERIES_TAGS = 2;
    private static final int TAG_KEY = 1;
    private static final int TAG_VALUE = 2;
    private static final int EVENT_SERIES = 1;
    private static final int EVENT_KIND = 2;
    private static final int EVENT_TIMESTAMP_DELTA = 3;
    private static final int EVENT_LONG_VALUE = 4;
    private static final int EVENT_DOUBLE_VALUE = 5;
    private static final int EVENT_SAMPLE_RATE = 6;
    private static final double LARGEST_EXACT_LONG = 0x1p53;
    /** Distinct series remembered across batches (a few hundred bytes each); cleared when full. */
    private static final int SERIES_CACHE_SIZE = 100_000;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final SeriesInterner seriesCache = new SeriesInterner(SERIES_CACHE_SIZE);
    private final WireBatch wire = new WireBatch();

    @Override
    public byte[] encode(EventBatch batch) {
        return encode(batch.id(), batch.events());
    }

    /** Encodes {@code events} as one batch with id {@code id}, without building an {@link EventBatch}. */
    public byte[] encode(BatchId id, List<Event> events) {
        if (events.isEmpty()) {
            throw new InvalidStatException("an event batch needs at least one event (batch " + id + ")");
        }
        Map<Series, Integer> index = new HashMap<>(Math.max(16, events.size()));
        List<byte[]> table = new ArrayList<>();
        int[] seriesOf = new int[events.size()];
        for (int i = 0; i < events.size(); i++) {
            Series series = events.get(i).series();
            Integer at = index.get(series);
            if (at == null) {
                at = table.size();
                index.put(series, at);
                table.add(seriesEntry(series));
            }
            seriesOf[i] = at;
        }
        return encode(id, events, seriesOf, table);
    }

    /**
     * Encodes {@code events} as one batch whose series table is {@code table} (entries from
     * {@link #seriesEntry}), event {@code i} referring to entry {@code seriesOf[i]}: for a caller
     * that keeps its series' entries and numbers them per batch itself, as the agent does.
     */
    public byte[] encode(BatchId id, List<Event> events, int[] seriesOf, List<byte[]> table) {
        if (events.isEmpty()) {
            throw new InvalidStatException("an event batch needs at least one event (batch " + id + ")");
        }
        long base = events.get(0).timestamp();
        int size = CodedOutputStream.computeUInt32Size(BATCH_VERSION, FORMAT_VERSION)
                + CodedOutputStream.computeStringSize(BATCH_PRODUCER, id.producer())
                + (id.sequence() == 0 ? 0 : CodedOutputStream.computeUInt64Size(BATCH_SEQUENCE, id.sequence()))
                + (base == 0 ? 0 : CodedOutputStream.computeInt64Size(BATCH_BASE_TIMESTAMP, base));
        for (byte[] entry : table) {
            size += CodedOutputStream.computeTagSize(BATCH_SERIES) + CodedOutputStream.computeUInt32SizeNoTag(entry.length) + entry.length;
        }
        int[] eventSizes = new int[events.size()];
        for (int i = 0; i < events.size(); i++) {
            eventSizes[i] = eventSize(events.get(i), seriesOf[i], base);
            size += CodedOutputStream.computeTagSize(BATCH_EVENTS)
                    + CodedOutputStream.computeUInt32SizeNoTag(eventSizes[i]) + eventSizes[i];
        }
        size += CodedOutputStream.computeUInt32Size(BATCH_EVENT_COUNT, events.size());
        byte[] out = new byte[size];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            o.writeUInt32(BATCH_VERSION, FORMAT_VERSION);
            o.writeString(BATCH_PRODUCER, id.producer());
            if (id.sequence() != 0) {
                o.writeUInt64(BATCH_SEQUENCE, id.sequence());
            }
            if (base != 0) {
                o.writeInt64(BATCH_BASE_TIMESTAMP, base);
            }
            for (byte[] entry : table) {
                o.writeTag(BATCH_SERIES, 2);
                o.writeUInt32NoTag(entry.length);
                o.writeRawBytes(entry);
            }
            for (int i = 0; i < events.size(); i++) {
                o.writeTag(BATCH_EVENTS, 2);
                o.writeUInt32NoTag(eventSizes[i]);
                writeEvent(o, events.get(i), seriesOf[i], base);
            }
            o.writeUInt32(BATCH_EVENT_COUNT, events.size());
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("event batch size miscomputed", e);
        }
        return out;
    }

    /** A series' entry in a batch's series table, as {@link #encode(BatchId, List, int[], List)} takes it. */
    public static byte[] seriesEntry(Series series) {
        byte[] bytes = new byte[seriesSize(series)];
        CodedOutputStream o = CodedOutputStream.newInstance(bytes);
        try {
            writeSeries(o, series);
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("series size miscomputed", e);
        }
        return bytes;
    }

    private static int seriesSize(Series series) {
        int size = CodedOutputStream.computeStringSize(SERIES_METRIC, series.metric());
        for (Map.Entry<String, String> tag : series.tags().asMap().entrySet()) {
            int tagSize = tagSize(tag);
            size += CodedOutputStream.computeTagSize(SERIES_TAGS) + CodedOutputStream.computeUInt32SizeNoTag(tagSize) + tagSize;
        }
        return size;
    }

    private static int tagSize(Map.Entry<String, String> tag) {
        return CodedOutputStream.computeStringSize(TAG_KEY, tag.getKey())
                + CodedOutputStream.computeStringSize(TAG_VALUE, tag.getValue());
    }

    private static void writeSeries(CodedOutputStream o, Series series) throws IOException {
        o.writeString(SERIES_METRIC, series.metric());
        for (Map.Entry<String, String> tag : series.tags().asMap().entrySet()) {
            o.writeTag(SERIES_TAGS, 2);
            o.writeUInt32NoTag(tagSize(tag));
            o.writeString(TAG_KEY, tag.getKey());
            o.writeString(TAG_VALUE, tag.getValue());
        }
    }

    private static boolean integral(double value) {
        return Math.abs(value) < LARGEST_EXACT_LONG && value == Math.rint(value)
                && !(value == 0 && Double.doubleToRawLongBits(value) != 0); // keep -0.0 a double
    }

    private static int eventSize(Event e, int series, long base) {
        int size = (series == 0 ? 0 : CodedOutputStream.computeUInt32Size(EVENT_SERIES, series))
                + CodedOutputStream.computeEnumSize(EVENT_KIND, kindNumber(e));
        long delta = e.timestamp() - base;
        if (delta != 0) {
            size += CodedOutputStream.computeSInt64Size(EVENT_TIMESTAMP_DELTA, delta);
        }
        size += integral(e.value())
                ? CodedOutputStream.computeSInt64Size(EVENT_LONG_VALUE, (long) e.value())
                : CodedOutputStream.computeDoubleSize(EVENT_DOUBLE_VALUE, e.value());
        if (e.sampleRate() != 1.0) {
            size += CodedOutputStream.computeDoubleSize(EVENT_SAMPLE_RATE, e.sampleRate());
        }
        return size;
    }

    private static void writeEvent(CodedOutputStream o, Event e, int series, long base) throws IOException {
        if (series != 0) {
            o.writeUInt32(EVENT_SERIES, series);
        }
        o.writeEnum(EVENT_KIND, kindNumber(e));
        long delta = e.timestamp() - base;
        if (delta != 0) {
            o.writeSInt64(EVENT_TIMESTAMP_DELTA, delta);
        }
        if (integral(e.value())) {
            o.writeSInt64(EVENT_LONG_VALUE, (long) e.value());
        } else {
            o.writeDouble(EVENT_DOUBLE_VALUE, e.value());
        }
        if (e.sampleRate() != 1.0) {
            o.writeDouble(EVENT_SAMPLE_RATE, e.sampleRate());
        }
    }

    private static int kindNumber(Event e) {
        return switch (e.kind()) {
            case COUNTER -> io.statspipe.adapter.kafka.wire.v1.Kind.COUNTER_VALUE;
            case GAUGE -> e.relative() ? io.statspipe.adapter.kafka.wire.v1.Kind.RELATIVE_GAUGE_VALUE
                    : io.statspipe.adapter.kafka.wire.v1.Kind.GAUGE_VALUE;
            case DISTRIBUTION -> io.statspipe.adapter.kafka.wire.v1.Kind.DISTRIBUTION_VALUE;
            case SET -> io.statspipe.adapter.kafka.wire.v1.Kind.SET_VALUE;
        };
    }

    @Override
    public EventBatch decode(byte[] record) {
        Collecting batch = new Collecting();
        decodeInto(record, batch);
        return new EventBatch(batch.id, batch.events);
    }

    /** A sink that builds the batch's {@link Event}s. */
    private static final class Collecting implements EventSink {
        private final List<Event> events = new ArrayList<>();
        private BatchId id;
        private Series[] table;

        @Override
        public boolean begin(BatchId batch, int seriesCount) {
            id = batch;
            table = new Series[seriesCount];
            return true;
        }

        @Override
        public void series(int index, Series series) {
            table[index] = series;
        }

        @Override
        public void event(int seriesIndex, long timestamp, Kind kind, double value, double sampleRate, boolean relative) {
            events.add(new Event(table[seriesIndex], timestamp, kind, value, sampleRate, relative));
        }
    }

    /**
     * Reads the record into reused arrays, checks all of it, and only then hands it to the sink:
     * a bad record throws before the sink hears of it.
     */
    @Override
    public void decodeInto(byte[] record, EventSink sink) {
        if (record == null || record.length == 0) {
            throw new InvalidStatException("empty record: not a statspipe event batch");
        }
        if (record.length > MAX_RECORD_BYTES) {
            throw new InvalidStatException("event batch too large: " + record.length + " > " + MAX_RECORD_BYTES + " bytes");
        }
        // One decoder's arrays and interned series serve every batch; an instance shared between
        // threads decodes one batch at a time.
        synchronized (wire) {
            try {
                wire.parse(record);
            } catch (InvalidProtocolBufferException e) {
                throw new InvalidStatException("not a statspipe event batch (truncated or garbage): " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                throw new InvalidStatException("not a statspipe event batch: " + e);
            }
            BatchId id;
            try {
                id = check(wire, record);
            } catch (InvalidStatException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InvalidStatException("undecodable event batch: " + e);
            }
            if (!sink.begin(id, wire.seriesCount)) {
                return;
            }
            Series[] table = wire.table;
            for (int s = 0; s < wire.seriesCount; s++) {
                sink.series(s, table[s]);
            }
            int[] seriesOf = wire.seriesOf;
            long[] timestampOf = wire.deltaOf;
            Kind[] kindOf = wire.kinds;
            double[] valueOf = wire.doubleValueOf;
            double[] rateOf = wire.rateOf;
            int[] wireKindOf = wire.kindOf;
            for (int i = 0, n = wire.eventCount; i < n; i++) {
                sink.event(seriesOf[i], timestampOf[i], kindOf[i], valueOf[i], rateOf[i],
                        wireKindOf[i] == io.statspipe.adapter.kafka.wire.v1.Kind.RELATIVE_GAUGE_VALUE);
            }
        }
    }

    /**
     * Checks the batch against the domain's rules and turns its arrays into domain values in
     * place: series resolved into {@code table}, {@code deltaOf} into timestamps, every value
     * into {@code doubleValueOf}, an absent rate into 1. Returns the batch's id.
     */
    private BatchId check(WireBatch wire, byte[] record) {
        if (wire.version != FORMAT_VERSION) {
            throw new InvalidStatException("unknown event batch format version " + Integer.toUnsignedString(wire.version)
                    + " (this reader knows " + FORMAT_VERSION + ")");
        }
        if (wire.eventCount == 0) {
            throw new InvalidStatException("event batch without events (truncated, or not an event batch)");
        }
        if (wire.announced != wire.eventCount) {
            throw new InvalidStatException("truncated event batch: " + wire.eventCount + " events of "
                    + Integer.toUnsignedString(wire.announced) + " announced");
        }
        if (wire.sequence < 0) {
            throw new InvalidStatException("batch sequence " + Long.toUnsignedString(wire.sequence) + " is above 2^63-1");
        }
        BatchId id = new BatchId(wire.producer, wire.sequence);
        if (wire.eventCount > MAX_EVENTS) {
            throw new InvalidStatException("too many events in batch " + id + ": " + wire.eventCount + " > " + MAX_EVENTS);
        }
        if (wire.table.length < wire.seriesCount) {
            wire.table = new Series[Math.max(wire.seriesCount, wire.table.length * 2)];
        }
        for (int s = 0; s < wire.seriesCount; s++) {
            wire.table[s] = series(record, wire.seriesAt[s], wire.seriesLength[s], s, id);
        }
        for (int i = 0; i < wire.eventCount; i++) {
            checkEvent(wire, i, id);
        }
        return id;
    }

    /** A series of the batch, from the interner when its bytes were seen before. */
    private Series series(byte[] record, int offset, int length, int index, BatchId id) {
        int hash = SeriesInterner.hash(record, offset, length);
        Series known = seriesCache.find(record, offset, length, hash);
        if (known != null) {
            return known;
        }
        Series decoded;
        try {
            decoded = series(io.statspipe.adapter.kafka.wire.v1.Series.parseFrom(
                    CodedInputStream.newInstance(record, offset, length)));
        } catch (IOException e) {
            throw new InvalidStatException("batch " + id + ", series " + index + ": not a series (truncated or garbage): "
                    + e.getMessage());
        } catch (InvalidStatException e) {
            throw new InvalidStatException("batch " + id + ", series " + index + ": " + e.getMessage());
        }
        seriesCache.add(record, offset, length, hash, decoded);
        return decoded;
    }

    private static Series series(io.statspipe.adapter.kafka.wire.v1.Series wire) {
        TreeMap<String, String> tags = new TreeMap<>();
        for (io.statspipe.adapter.kafka.wire.v1.Tag tag : wire.getTagsList()) {
            if (tags.put(tag.getKey(), tag.getValue()) != null) {
                throw new InvalidStatException("tag '" + tag.getKey() + "' given twice");
            }
        }
        return new Series(wire.getMetric(), Tags.of(tags));
    }

    private static void checkEvent(WireBatch wire, int index, BatchId id) {
        int series = wire.seriesOf[index];
        if (series < 0 || series >= wire.seriesCount) {
            throw new InvalidStatException(where(id, index) + "refers to series " + Integer.toUnsignedString(series)
                    + " but the batch has " + wire.seriesCount);
        }
        Kind kind = switch (wire.kindOf[index]) {
            case io.statspipe.adapter.kafka.wire.v1.Kind.COUNTER_VALUE -> Kind.COUNTER;
            case io.statspipe.adapter.kafka.wire.v1.Kind.GAUGE_VALUE,
                 io.statspipe.adapter.kafka.wire.v1.Kind.RELATIVE_GAUGE_VALUE -> Kind.GAUGE;
            case io.statspipe.adapter.kafka.wire.v1.Kind.DISTRIBUTION_VALUE -> Kind.DISTRIBUTION;
            case io.statspipe.adapter.kafka.wire.v1.Kind.SET_VALUE -> Kind.SET;
            default -> throw new InvalidStatException(where(id, index) + "unknown kind " + wire.kindOf[index]);
        };
        double value = switch (wire.valueCaseOf[index]) {
            case EVENT_LONG_VALUE -> wire.longValueOf[index];
            case EVENT_DOUBLE_VALUE -> wire.doubleValueOf[index];
            default -> throw new InvalidStatException(where(id, index) + "has no value");
        };
        long delta = wire.deltaOf[index];
        long timestamp;
        try {
            timestamp = Math.addExact(wire.base, delta);
        } catch (ArithmeticException e) {
            throw new InvalidStatException(where(id, index) + "timestamp overflows: " + wire.base + " + " + delta);
        }
        double rate = wire.rateOf[index] == 0 ? 1.0 : wire.rateOf[index];
        try {
            Event.check(wire.table[series], timestamp, kind, value, rate);
        } catch (InvalidStatException e) {
            throw new InvalidStatException(where(id, index) + e.getMessage());
        }
        wire.kinds[index] = kind;
        wire.doubleValueOf[index] = value;
        wire.deltaOf[index] = timestamp;
        wire.rateOf[index] = rate;
    }

    private static String where(BatchId id, int index) {
        return "batch " + id + ", event " + index + ": ";
    }

    /**
     * One batch as it is on the wire, read field by field with proto3's rules (fields in any
     * order, the last of a repeated scalar wins, unknown fields skipped) into flat arrays: no
     * message object per event. Validation happens afterwards, in domain terms.
     */
    private static final class WireBatch {
        int version;
        String producer = "";
        long sequence;
        long base;
        int announced;
        int seriesCount;
        int[] seriesAt = new int[8];
        int[] seriesLength = new int[8];
        int eventCount;
        int[] seriesOf = new int[16];
        int[] kindOf = new int[16];
        long[] deltaOf = new long[16];
        int[] valueCaseOf = new int[16];
        long[] longValueOf = new long[16];
        double[] doubleValueOf = new double[16];
        double[] rateOf = new double[16];
        /** Filled in by the check: the series of the table, and each event's kind. */
        Series[] table = new Series[8];
        Kind[] kinds = new Kind[16];
        /** Read position of {@link #readKnownFields}. */
        private int at;

        /** Reads one batch, forgetting the previous one; the arrays stay as large as the largest batch. */
        void parse(byte[] record) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(record);
            version = 0;
            producer = "";
            sequence = 0;
            base = 0;
            announced = 0;
            seriesCount = 0;
            eventCount = 0;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case BATCH_VERSION << 3 -> version = in.readUInt32();
                    case BATCH_PRODUCER << 3 | 2 -> producer = in.readStringRequireUtf8();
                    case BATCH_SEQUENCE << 3 -> sequence = in.readUInt64();
                    case BATCH_BASE_TIMESTAMP << 3 -> base = in.readInt64();
                    case BATCH_SERIES << 3 | 2 -> readSeries(in);
                    case BATCH_EVENTS << 3 | 2 -> readEvent(in, record);
                    case BATCH_EVENT_COUNT << 3 -> announced = in.readUInt32();
                    default -> {
                        if (!in.skipField(tag)) {
                            throw new InvalidProtocolBufferException("unexpected end-group tag in an event batch");
                        }
                    }
                }
            }
        }

        /** Notes where a series' bytes are: most are interned already and need no decoding. */
        private void readSeries(CodedInputStream in) throws IOException {
            int length = in.readRawVarint32();
            int at = in.getTotalBytesRead();
            in.skipRawBytes(length);
            if (seriesCount == seriesAt.length) {
                seriesAt = Arrays.copyOf(seriesAt, seriesCount * 2);
                seriesLength = Arrays.copyOf(seriesLength, seriesCount * 2);
            }
            seriesAt[seriesCount] = at;
            seriesLength[seriesCount++] = length;
        }

        private void readEvent(CodedInputStream in, byte[] record) throws IOException {
            int length = in.readRawVarint32();
            if (eventCount >= MAX_EVENTS) {
                // Refused later as too many; counted, not kept.
                in.skipRawBytes(length);
                eventCount++;
                return;
            }
            if (eventCount == seriesOf.length) {
                grow();
            }
            int i = eventCount++;
            int at = in.getTotalBytesRead();
            if (length >= 0 && length <= record.length - at && readKnownFields(record, at, at + length, i)) {
                in.skipRawBytes(length);
                return;
            }
            readFields(in, length, i);
        }

        /**
         * The common case, read straight from the bytes: an event made of the fields this reader
         * knows, each with a one-byte tag and well formed. Returns false on anything else (an
         * unknown field, a truncated value), for {@link #readFields} to read it by the rules.
         */
        private boolean readKnownFields(byte[] b, int from, int end, int i) {
            int series = 0;
            int kind = 0;
            long delta = 0;
            int valueCase = 0;
            long longValue = 0;
            double doubleValue = 0;
            double rate = 0;
            at = from;
            while (at < end) {
                int tag = b[at++];
                long v;
                if (tag < 0) {
                    return false; // a tag of two bytes or more: no field this reader knows
                } else if ((tag & 7) == 0) {
                    v = varint(b, end);
                } else if ((tag & 7) == 1 && end - at >= 8) {
                    v = (long) LONGS.get(b, at);
                    at += 8;
                } else {
                    return false;
                }
                if (at < 0) {
                    return false;
                }
                switch (tag) {
                    case EVENT_SERIES << 3 -> series = (int) v;
                    case EVENT_KIND << 3 -> kind = (int) v;
                    case EVENT_TIMESTAMP_DELTA << 3 -> delta = CodedInputStream.decodeZigZag64(v);
                    case EVENT_LONG_VALUE << 3 -> {
                        longValue = CodedInputStream.decodeZigZag64(v);
                        valueCase = EVENT_LONG_VALUE;
                    }
                    case EVENT_DOUBLE_VALUE << 3 | 1 -> {
                        doubleValue = Double.longBitsToDouble(v);
                        valueCase = EVENT_DOUBLE_VALUE;
                    }
                    case EVENT_SAMPLE_RATE << 3 | 1 -> rate = Double.longBitsToDouble(v);
                    default -> {
                        return false;
                    }
                }
            }
            seriesOf[i] = series;
            kindOf[i] = kind;
            deltaOf[i] = delta;
            valueCaseOf[i] = valueCase;
            if (valueCase == EVENT_LONG_VALUE) {
                longValueOf[i] = longValue;
            } else if (valueCase == EVENT_DOUBLE_VALUE) {
                doubleValueOf[i] = doubleValue;
            }
            rateOf[i] = rate;
            return true;
        }

        /**
         * The varint at {@link #at}, advancing past it; when it runs past {@code end} or over ten
         * bytes, {@link #at} becomes negative.
         */
        private long varint(byte[] b, int end) {
            long result = 0;
            for (int shift = 0; shift < 64 && at < end; shift += 7) {
                byte x = b[at++];
                result |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return result;
                }
            }
            at = -1;
            return 0;
        }

        /** Reads one event's fields by proto3's rules (any order, last wins, unknown fields skipped). */
        private void readFields(CodedInputStream in, int length, int i) throws IOException {
            // proto3 defaults for what the event leaves out (the arrays hold the previous batch)
            seriesOf[i] = 0;
            kindOf[i] = 0;
            deltaOf[i] = 0;
            valueCaseOf[i] = 0;
            rateOf[i] = 0;
            int limit = in.pushLimit(length);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case EVENT_SERIES << 3 -> seriesOf[i] = in.readUInt32();
                    case EVENT_KIND << 3 -> kindOf[i] = in.readEnum();
                    case EVENT_TIMESTAMP_DELTA << 3 -> deltaOf[i] = in.readSInt64();
                    case EVENT_LONG_VALUE << 3 -> {
                        longValueOf[i] = in.readSInt64();
                        valueCaseOf[i] = EVENT_LONG_VALUE;
                    }
                    case EVENT_DOUBLE_VALUE << 3 | 1 -> {
                        doubleValueOf[i] = in.readDouble();
                        valueCaseOf[i] = EVENT_DOUBLE_VALUE;
                    }
                    case EVENT_SAMPLE_RATE << 3 | 1 -> rateOf[i] = in.readDouble();
                    default -> {
                        if (!in.skipField(tag)) {
                            throw new InvalidProtocolBufferException("unexpected end-group tag in event " + i);
                        }
                    }
                }
            }
            in.checkLastTagWas(0);
            in.popLimit(limit);
        }

        private void grow() {
            int n = seriesOf.length * 2;
            seriesOf = Arrays.copyOf(seriesOf, n);
            kindOf = Arrays.copyOf(kindOf, n);
            deltaOf = Arrays.copyOf(deltaOf, n);
            valueCaseOf = Arrays.copyOf(valueCaseOf, n);
            longValueOf = Arrays.copyOf(longValueOf, n);
            doubleValueOf = Arrays.copyOf(doubleValueOf, n);
            rateOf = Arrays.copyOf(rateOf, n);
            kinds = Arrays.copyOf(kinds, n);
        }
    }

    /** The outer class of the generated code, for readers who want the schema at run time. */
    public static com.google.protobuf.Descriptors.FileDescriptor schema() {
        return EventBatchProto.getDescriptor();
    }
}
