package io.statspipe.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.statspipe.adapter.kafka.wire.v1.Tag;
import io.statspipe.domain.BatchId;
import io.statspipe.domain.Event;
import io.statspipe.domain.EventBatch;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.UniqueSketch;
import io.statspipe.ports.out.EventBatchFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

class ProtobufEventBatchFormatTest {
    private final ProtobufEventBatchFormat format = new ProtobufEventBatchFormat();

    private static Gen<Event> events() {
        Gen<Series> series = SourceDSL.integers().between(0, 5).zip(SourceDSL.integers().between(0, 3),
                (m, t) -> t == 0 ? Series.of("m" + m) : Series.of("metric.n" + m, "site", "s" + t, "page", "p/" + t));
        Gen<Kind> kind = SourceDSL.arbitrary().enumValues(Kind.class);
        Gen<Double> value = SourceDSL.integers().between(-1000, 1000).map(i -> (double) i)
                .mix(SourceDSL.doubles().between(-1e9, 1e9)).mix(SourceDSL.arbitrary().pick(0.0, -0.0, 1e15, 0x1p53 - 1, 0x1p59, 1e18, -1e18));
        Gen<Long> timestamp = SourceDSL.longs().between(0, 253_402_300_799_999L);
        Gen<Double> rate = SourceDSL.arbitrary().pick(1.0, 0.5, 0.1, 0.001);
        Gen<Boolean> relative = SourceDSL.booleans().all();
        return series.zip(kind, value, timestamp, (s, k, v, t) -> new Object[] {s, k, v, t})
                .zip(rate, relative, (a, r, rel) -> {
                    Kind k = (Kind) a[1];
                    double v = (Double) a[2];
                    if (k == Kind.COUNTER && Math.abs(v / r) >= 0x1p53) {
                        v = 1;
                    }
                    if (k == Kind.SET) { // a member hash: whole, in [0, 2^53)
                        v = Math.min(Math.abs(Math.rint(v)), 0x1p53 - 1);
                    }
                    return new Event((Series) a[0], (Long) a[3], k, v, r, rel && k == Kind.GAUGE);
                });
    }

    @Test
    void decodeInvertsEncodeForAnyBatch() {
        qt().withExamples(500).forAll(SourceDSL.lists().of(events()).ofSizeBetween(1, 40), SourceDSL.longs().between(0, Long.MAX_VALUE))
                .checkAssert((events, seq) -> {
                    EventBatch batch = new EventBatch(new BatchId("agent-1", seq), events);
                    EventBatch decoded = format.decode(format.encode(batch));
                    assertThat(decoded).isEqualTo(batch);
                    // -0.0 and 0.0 are equal as records only through Double.compare: check the bits too
                    for (int i = 0; i < events.size(); i++) {
                        assertThat(Double.doubleToRawLongBits(decoded.events().get(i).value()))
                                .isEqualTo(Double.doubleToRawLongBits(events.get(i).value()));
                    }
                });
    }

    /** What a sink heard, in order. */
    private static final class Heard implements EventBatchFormat.EventSink {
        final List<String> calls = new ArrayList<>();
        final List<Series> table = new ArrayList<>();
        final List<Event> events = new ArrayList<>();
        final boolean take;

        Heard(boolean take) {
            this.take = take;
        }

        @Override
        public boolean begin(BatchId id, int seriesCount) {
            calls.add("begin " + id + " " + seriesCount);
            return take;
        }

        @Override
        public void series(int index, Series series) {
            calls.add("series " + index);
            table.add(series);
        }

        @Override
        public void event(int seriesIndex, long timestamp, Kind kind, double value, double sampleRate, boolean relative) {
            calls.add("event " + seriesIndex);
            events.add(new Event(table.get(seriesIndex), timestamp, kind, value, sampleRate, relative));
        }
    }

    @Test
    void decodeIntoHandsOverTheBatchThatDecodeReturns() {
        qt().withExamples(200).forAll(SourceDSL.lists().of(events()).ofSizeBetween(1, 40))
                .checkAssert(events -> {
                    EventBatch batch = new EventBatch(new BatchId("agent-2", 5), events);
                    Heard heard = new Heard(true);

                    format.decodeInto(format.encode(batch), heard);

                    assertThat(new EventBatch(batch.id(), heard.events)).isEqualTo(batch);
                    assertThat(heard.calls.get(0)).isEqualTo("begin agent-2#5 " + heard.table.size());
                    assertThat(heard.table).as("each series once in the table").doesNotHaveDuplicates();
                });
    }

    @Test
    void decodeIntoTellsASinkNothingOfABadRecordAndNothingMoreOfASkippedBatch() throws Exception {
        Series a = Series.of("a");
        EventBatch batch = new EventBatch(new BatchId("agent-3", 1), List.of(
                Event.counter(a, 1_000, 1), Event.counter(Series.of("b"), 2_000, 2), Event.counter(a, 3_000, 3)));
        var wire = io.statspipe.adapter.kafka.wire.v1.EventBatch.parseFrom(format.encode(batch));
        byte[] lastEventBroken = wire.toBuilder().setEvents(2, wire.getEvents(2).toBuilder().setSeries(7)).build().toByteArray();
        Heard heard = new Heard(true);

        assertThatThrownBy(() -> format.decodeInto(lastEventBroken, heard))
                .isInstanceOf(InvalidStatException.class).hasMessageContaining("event 2: refers to series 7 but the batch has 2");
        assertThat(heard.calls).as("the first two events were valid, yet not handed over").isEmpty();

        Heard skipping = new Heard(false);
        format.decodeInto(format.encode(batch), skipping);
        assertThat(skipping.calls).containsExactly("begin agent-3#1 2");
    }

    @Test
    void aRelativeGaugeTravelsAsAKindOfItsOwnSoThatAnOlderReaderRefusesIt() throws Exception {
        Series depth = Series.of("queue.depth");
        EventBatch batch = new EventBatch(new BatchId("agent-5", 1), List.of(Event.gaugeChange(depth, 1_000, -3),
                Event.gauge(depth, 1_000, -3)));

        byte[] record = format.encode(batch);
        var wire = io.statspipe.adapter.kafka.wire.v1.EventBatch.parseFrom(record);

        assertThat(wire.getEvents(0).getKind()).isEqualTo(io.statspipe.adapter.kafka.wire.v1.Kind.RELATIVE_GAUGE);
        assertThat(wire.getEvents(1).getKind()).isEqualTo(io.statspipe.adapter.kafka.wire.v1.Kind.GAUGE);
        assertThat(format.decode(record)).isEqualTo(batch);
        assertThat(format.decode(record).events().get(0).relative()).isTrue();
    }

    @Test
    void aSetMemberTravelsAsItsHashInAKindOfItsOwn() throws Exception {
        Series online = Series.of("users.online");
        EventBatch batch = new EventBatch(new BatchId("agent-6", 1), List.of(Event.set(online, 1_000, "alice")));

        byte[] record = format.encode(batch);
        var wire = io.statspipe.adapter.kafka.wire.v1.EventBatch.parseFrom(record);

        assertThat(wire.getEvents(0).getKind()).isEqualTo(io.statspipe.adapter.kafka.wire.v1.Kind.SET);
        assertThat(wire.getEvents(0).getLongValue()).isEqualTo(UniqueSketch.memberHash("alice"));
        assertThat(format.decode(record)).isEqualTo(batch);
        byte[] notAHash = io.statspipe.adapter.kafka.wire.v1.EventBatch.newBuilder(wire)
                .setEvents(0, wire.getEvents(0).toBuilder().setDoubleValue(0.5)).build().toByteArray();
        assertThatThrownBy(() -> format.decode(notAHash)).isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("set member hash must be a whole number in [0, 2^53), got 0.5");
    }

    @Test
    void thePortsDefaultDecodeIntoHandsOverWhatDecodeReturns() {
        EventBatch batch = new EventBatch(new BatchId("agent-4", 9), List.of(
                Event.counter(Series.of("a"), 1_000, 4), Event.gauge(Series.of("b", "k", "v"), 2_000, 2.5),
                Event.gaugeChange(Series.of("b", "k", "v"), 2_000, 1)));
        EventBatchFormat plain = new EventBatchFormat() {
            @Override
            public byte[] encode(EventBatch b) {
                return format.encode(b);
            }

            @Override
            public EventBatch decode(byte[] record) {
                return format.decode(record);
            }
        };
        Heard heard = new Heard(true);

        plain.decodeInto(plain.encode(batch), heard);

        assertThat(new EventBatch(batch.id(), heard.events)).isEqualTo(batch);
        assertThat(heard.calls).containsExactly("begin agent-4#9 3", "series 0", "series 1", "series 2", "event 0",
                "event 1", "event 2");
    }

    @Test
    void encodedBytesAreTheSchemaThatOtherReadersParse() throws Exception {
        Series views = Series.of("page.views", "site", "42");
        EventBatch batch = new EventBatch(new BatchId("host-a", 7), List.of(
                Event.counter(views, 1_700_000_000_000L, 3),
                new Event(views, 1_700_000_000_250L, Kind.COUNTER, 1, 0.1),
                Event.distribution(Series.of("page.latency"), 1_699_999_999_000L, 12.5)));

        var wire = io.statspipe.adapter.kafka.wire.v1.EventBatch.parseFrom(format.encode(batch));

        assertThat(wire.getFormatVersion()).isEqualTo(1);
        assertThat(wire.getProducer()).isEqualTo("host-a");
        assertThat(wire.getSequence()).isEqualTo(7);
        assertThat(wire.getSeriesCount()).as("each series once").isEqualTo(2);
        assertThat(wire.getSeries(0).getMetric()).isEqualTo("page.views");
        assertThat(wire.getSeries(0).getTagsList()).containsExactly(Tag.newBuilder().setKey("site").setValue("42").build());
        assertThat(wire.getEvents(1).getSeries()).isZero();
        assertThat(wire.getEvents(1).getSampleRate()).isEqualTo(0.1);
        assertThat(wire.getEvents(1).getLongValue()).isEqualTo(1);
        assertThat(wire.getBaseTimestampMs() + wire.getEvents(1).getTimestampDeltaMs()).isEqualTo(1_700_000_000_250L);
        assertThat(wire.getEvents(2).getSeries()).isEqualTo(1);
        assertThat(wire.getEvents(2).getKind()).isEqualTo(io.statspipe.adapter.kafka.wire.v1.Kind.DISTRIBUTION);
        assertThat(wire.getEvents(2).getDoubleValue()).isEqualTo(12.5);
        assertThat(wire.getEventCount()).isEqualTo(3);
    }

    @Test
    void readsFieldsInAnyOrderAndSkipsUnknownOnesAsProtobufDoes() throws Exception {
        // Concatenated messages merge: events first, then the series table and the header, then a
        // field this reader does not know (number 9), as a newer writer might add.
        byte[] events = io.statspipe.adapter.kafka.wire.v1.EventBatch.newBuilder()
                .addEvents(io.statspipe.adapter.kafka.wire.v1.Event.newBuilder().setSeries(1)
                        .setKind(io.statspipe.adapter.kafka.wire.v1.Kind.GAUGE).setDoubleValue(2.5).setTimestampDeltaMs(-3))
                .addEvents(io.statspipe.adapter.kafka.wire.v1.Event.newBuilder()
                        .setKind(io.statspipe.adapter.kafka.wire.v1.Kind.COUNTER).setLongValue(4).setSampleRate(0.5))
                .build().toByteArray();
        byte[] header = io.statspipe.adapter.kafka.wire.v1.EventBatch.newBuilder()
                .addSeries(io.statspipe.adapter.kafka.wire.v1.Series.newBuilder().setMetric("page.views")
                        .addTags(Tag.newBuilder().setKey("site").setValue("7")))
                .addSeries(io.statspipe.adapter.kafka.wire.v1.Series.newBuilder().setMetric("queue.depth"))
                .setFormatVersion(1).setProducer("p").setSequence(9).setBaseTimestampMs(1_700_000_000_000L).setEventCount(2)
                .build().toByteArray();
        byte[] unknown = {9 << 3, 42};
        byte[] record = concat(events, header, unknown);

        EventBatch decoded = format.decode(record);

        assertThat(decoded).isEqualTo(new EventBatch(new BatchId("p", 9), List.of(
                Event.gauge(Series.of("queue.depth"), 1_699_999_999_997L, 2.5),
                new Event(Series.of("page.views", "site", "7"), 1_700_000_000_000L, Kind.COUNTER, 4, 0.5))));
    }

    @Test
    void aSeriesSeenBeforeIsTheSameInstance() {
        Series views = Series.of("page.views", "site", "42");
        EventBatch first = format.decode(format.encode(new EventBatch(new BatchId("a", 1),
                List.of(Event.counter(views, 1_700_000_000_000L, 1)))));
        EventBatch second = format.decode(format.encode(new EventBatch(new BatchId("a", 2),
                List.of(Event.counter(Series.of("queue.depth"), 1_700_000_000_000L, 1),
                        Event.counter(Series.of("page.views", "site", "42"), 1_700_000_000_001L, 2)))));

        assertThat(second.events().get(1).series()).isEqualTo(views).isSameAs(first.events().get(0).series());
    }

    private static byte[] concat(byte[]... parts) {
        int size = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void aRepeatedSeriesCostsAFewBytesPerEvent() {
        Series series = Series.of("checkout.payment.latency", "region", "eu-west-1", "service", "payments");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(Event.distribution(series, 1_700_000_000_000L + i, i % 250));
        }
        byte[] bytes = format.encode(new EventBatch(new BatchId("a", 1), events));
        // tag + length + kind + delta + value: at most 11 bytes an event once the series is in the table
        assertThat(bytes.length).isLessThan(1000 * 11 + 200);
    }

    @Test
    void rejectsTruncatedRecordsWithAReason() {
        byte[] good = format.encode(new EventBatch(new BatchId("a", 1),
                List.of(Event.counter(Series.of("page.views", "site", "1"), 1_700_000_000_000L, 1))));
        // cut anywhere after the producer id (version: 2 bytes, producer "a": 3 bytes)
        for (int cut = 5; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> format.decode(truncated)).as("cut at %d", cut)
                    .isInstanceOf(InvalidStatException.class).hasMessageContaining("truncated");
        }
        assertThatThrownBy(() -> format.decode(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(InvalidStatException.class).hasMessageContaining("truncated");
    }

    @Test
    void rejectsUnknownVersionsEmptyAndOversizedRecords() {
        byte[] v2 = io.statspipe.adapter.kafka.wire.v1.EventBatch.newBuilder().setFormatVersion(2).setProducer("a").build().toByteArray();
        assertThatThrownBy(() -> format.decode(v2)).isInstanceOf(InvalidStatException.class)
                .hasMessage("unknown event batch format version 2 (this reader knows 1)");
        assertThatThrownBy(() -> format.decode(new byte[0])).hasMessageContaining("empty record");
        assertThatThrownBy(() -> format.decode(new byte[ProtobufEventBatchFormat.MAX_RECORD_BYTES + 1]))
                .hasMessageContaining("event batch too large");
    }

    @Test
    void rejectsSeriesThatBreakTheDomainLimits() {
        var wire = io.statspipe.adapter.kafka.wire.v1.EventBatch.newBuilder().setFormatVersion(1).setProducer("a").setSequence(3).setEventCount(1)
                .addSeries(io.statspipe.adapter.kafka.wire.v1.Series.newBuilder().setMetric("x".repeat(201)))
                .addEvents(io.statspipe.adapter.kafka.wire.v1.Event.newBuilder().setKind(io.statspipe.adapter.kafka.wire.v1.Kind.COUNTER).setLongValue(1))
                .build();
        assertThatThrownBy(() -> format.decode(wire.toByteArray())).isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("series 0").hasMessageContaining("metric name too long: 201 > 200");

        var dupTags = wire.toBuilder().setSeries(0, io.statspipe.adapter.kafka.wire.v1.Series.newBuilder().setMetric("m")
                .addTags(Tag.newBuilder().setKey("k").setValue("1")).addTags(Tag.newBuilder().setKey("k").setValue("2"))).build();
        assertThatThrownBy(() -> format.decode(dupTags.toByteArray())).hasMessageContaining("tag 'k' given twice");

        var badIndex = wire.toBuilder().setSeries(0, io.statspipe.adapter.kafka.wire.v1.Series.newBuilder().setMetric("m"))
                .setEvents(0, wire.getEvents(0).toBuilder().setSeries(5)).build();
        assertThatThrownBy(() -> format.decode(badIndex.toByteArray())).hasMessageContaining("refers to series 5 but the batch has 1");

        var noKind = wire.toBuilder().setSeries(0, io.statspipe.adapter.kafka.wire.v1.Series.newBuilder().setMetric("m"))
                .setEvents(0, wire.getEvents(0).toBuilder().clearKind()).build();
        assertThatThrownBy(() -> format.decode(noKind.toByteArray())).hasMessageContaining("unknown kind 0");

        var noValue = wire.toBuilder().setSeries(0, io.statspipe.adapter.kafka.wire.v1.Series.newBuilder().setMetric("m"))
                .setEvents(0, wire.getEvents(0).toBuilder().clearValue()).build();
        assertThatThrownBy(() -> format.decode(noValue.toByteArray())).hasMessageContaining("has no value");
    }

    /**
     * The reader's fast path (events read straight from the bytes) against protobuf's own parser:
     * on records mutated at random, whenever both accept a record they must read the same events.
     */
    @Test
    void whereProtobufAndThisReaderBothAcceptAMutatedRecordTheyReadTheSameEvents() throws Exception {
        Series views = Series.of("page.views", "site", "1");
        Series depth = Series.of("queue.depth");
        byte[] good = format.encode(new EventBatch(new BatchId("a", 1), List.of(
                Event.counter(views, 1_700_000_000_000L, 1),
                new Event(depth, 1_700_000_000_001L, Kind.GAUGE, 2.5, 0.5),
                Event.counter(views, 1_699_999_999_000L, 300),
                Event.distribution(depth, 1_700_000_000_002L, 12))));
        Random random = new Random(7);
        int bothAccepted = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] input = good.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            io.statspipe.adapter.kafka.wire.v1.EventBatch wire;
            EventBatch ours;
            try {
                wire = io.statspipe.adapter.kafka.wire.v1.EventBatch.parseFrom(input);
                ours = format.decode(input);
            } catch (com.google.protobuf.InvalidProtocolBufferException | InvalidStatException refused) {
                continue;
            }
            bothAccepted++;
            assertThat(ours.events()).hasSize(wire.getEventsCount());
            for (int e = 0; e < wire.getEventsCount(); e++) {
                var w = wire.getEvents(e);
                Event event = ours.events().get(e);
                var s = wire.getSeries(w.getSeries());
                assertThat(event.series().metric()).isEqualTo(s.getMetric());
                assertThat(event.series().tags().asMap()).hasSize(s.getTagsCount());
                assertThat(event.timestamp()).isEqualTo(wire.getBaseTimestampMs() + w.getTimestampDeltaMs());
                assertThat(event.relative() ? io.statspipe.adapter.kafka.wire.v1.Kind.RELATIVE_GAUGE_VALUE
                        : event.kind() == Kind.SET ? io.statspipe.adapter.kafka.wire.v1.Kind.SET_VALUE
                        : event.kind().ordinal() + 1).isEqualTo(w.getKindValue());
                double value = w.hasDoubleValue() ? w.getDoubleValue() : w.getLongValue();
                assertThat(Double.doubleToRawLongBits(event.value())).isEqualTo(Double.doubleToRawLongBits(value));
                assertThat(event.sampleRate()).isEqualTo(w.getSampleRate() == 0 ? 1.0 : w.getSampleRate());
            }
        }
        assertThat(bothAccepted).as("mutations both readers accept, so the comparison compared something")
                .isGreaterThan(1_000);
    }

    @Test
    void garbageAndMutatedRecordsOnlyEverRaiseInvalidStat() {
        byte[] good = format.encode(new EventBatch(new BatchId("a", 1), List.of(
                Event.counter(Series.of("page.views", "site", "1"), 1_700_000_000_000L, 1),
                Event.gauge(Series.of("queue.depth"), 1_700_000_000_001L, 2.5))));
        Random random = new Random(42);
        for (int i = 0; i < 50_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
            } else {
                input = good.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                format.decode(input);
            } catch (InvalidStatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
