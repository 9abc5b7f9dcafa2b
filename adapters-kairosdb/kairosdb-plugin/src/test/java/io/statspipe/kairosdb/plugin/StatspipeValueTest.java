package io.statspipe.kairosdb.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import io.statspipe.domain.Aggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.QuantileSketch;
import io.statspipe.domain.SetAggregate;
import io.statspipe.domain.UniqueSketch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kairosdb.util.KDataInput;

class StatspipeValueTest {
    static final String DIST_JSON = "{\"v\":1,\"count\":6,\"sum\":-12.5,\"min\":-20.25,\"max\":1.0E300,\"zero\":1,"
            + "\"pos\":[[-3,1],[7,2]],\"neg\":[[-2000,1],[105,1]]}";
    static final String GAUGE_JSON = "{\"v\":1,\"count\":3,\"sum\":7.25,\"min\":-1.5,\"max\":4.0,\"last\":2.5,"
            + "\"last_at\":1717000000123}";

    static JsonElement json(String text) {
        return new JsonParser().parse(text);
    }

    static byte[] bytes(Aggregate aggregate) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AggregateDataPoint(5, aggregate).writeValueToBuffer(new DataOutputStream(out));
        return out.toByteArray();
    }

    static AggregateDataPoint read(AggregateDataPointFactory factory, byte[] bytes) throws IOException {
        return (AggregateDataPoint) factory.getDataPoint(5, KDataInput.createInput(bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {DIST_JSON, GAUGE_JSON})
    void jsonToPointToBytesToPointToJsonIsTheIdentity(String text) throws IOException {
        AggregateDataPointFactory factory = text.contains("zero") ? new DistributionDataPointFactory()
                : new GaugeDataPointFactory();
        AggregateDataPoint point = (AggregateDataPoint) factory.getDataPoint(5, json(text));
        byte[] stored = bytes(point.aggregate());
        AggregateDataPoint back = read(factory, stored);

        assertThat(back).isEqualTo(point);
        assertThat(back.getTimestamp()).isEqualTo(5);
        assertThat(json(StatspipeValue.toJson(back.aggregate()))).isEqualTo(json(text));
        assertThat(bytes(back.aggregate())).isEqualTo(stored);
    }

    @Test
    void aSetValueCarriesItsCountAndItsCanonicalSketchThroughJsonAndBytes() throws IOException {
        UniqueSketch.Builder members = new UniqueSketch.Builder();
        for (int i = 0; i < 5_000; i++) {
            members.add(UniqueSketch.memberHash("user-" + i));
        }
        SetAggregate set = new SetAggregate(7_000, members.build());
        String text = StatspipeValue.toJson(set);
        SetDataPointFactory factory = new SetDataPointFactory();

        AggregateDataPoint fromJson = (AggregateDataPoint) factory.getDataPoint(5, json(text));
        AggregateDataPoint fromBytes = read(factory, bytes(set));

        assertThat(fromJson.aggregate()).isEqualTo(set);
        assertThat(fromBytes.aggregate()).isEqualTo(set);
        assertThat(fromBytes.getApiDataType()).isEqualTo("statspipe_set");
        assertThat(bytes(fromBytes.aggregate())).isEqualTo(bytes(set));
        assertRefused(StatspipeValue.SET, text.replace("\"count\":7000,", ""), "misses field 'count'");
        assertRefused(StatspipeValue.SET, "{\"v\":1,\"count\":1,\"hll\":\"AAEC\"}",
                "invalid statspipe_set value: not an HLL sketch of unique counts");
        assertRefused(StatspipeValue.SET, "{\"v\":1,\"count\":1,\"hll\":\"%%\"}", "'hll' is not base64");
    }

    @Test
    void theJsonMapsToTheDomainsAggregates() {
        DistributionAggregate dist = (DistributionAggregate) StatspipeValue.fromJson(StatspipeValue.DIST, json(DIST_JSON));
        assertThat(dist).isEqualTo(new DistributionAggregate(6, -12.5, -20.25, 1e300,
                QuantileSketch.fromBins(java.util.Map.of(-3, 1L, 7, 2L), java.util.Map.of(-2000, 1L, 105, 1L), 1)));
        assertThat(StatspipeValue.fromJson(StatspipeValue.GAUGE, json(GAUGE_JSON)))
                .isEqualTo(new GaugeAggregate(3, 7.25, -1.5, 4.0, 2.5, 1717000000123L));
    }

    @Test
    void theSameValueAlwaysGivesTheSameBytesAndTheFormatVersionComesFirst() throws IOException {
        DistributionAggregate a = (DistributionAggregate) StatspipeValue.fromJson(StatspipeValue.DIST, json(DIST_JSON));
        // the same value built another way: from samples, merged in another order
        QuantileSketch sketch = QuantileSketch.fromBins(new java.util.TreeMap<>(a.sketch().positiveBins()).descendingMap(),
                a.sketch().negativeBins(), a.sketch().zeroCount());
        DistributionAggregate b = new DistributionAggregate(6, -12.5, -20.25, 1e300, sketch);
        assertThat(bytes(b)).isEqualTo(bytes(a));
        assertThat(bytes(a)[0]).isEqualTo(StatspipeValue.FORMAT);
        Aggregate g = StatspipeValue.fromJson(StatspipeValue.GAUGE, json(GAUGE_JSON));
        assertThat(bytes(g)).isEqualTo(bytes(new GaugeAggregate(3, 7.25, -1.5, 4.0, 2.5, 1717000000123L)));
        // -0.0 and 0.0 are different values and stay different
        assertThat(bytes(GaugeAggregate.of(-0.0, 1))).isNotEqualTo(bytes(GaugeAggregate.of(0.0, 1)));
    }

    @Test
    void manyValuesSurviveTheBinaryForm() throws IOException {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 500; i++) {
            Aggregate d = DistributionAggregate.of(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
            Aggregate g = GaugeAggregate.of(random.nextGaussian() * 1e6, random.nextLong());
            for (int j = 0; j < random.nextInt(20); j++) {
                d = d.merge(DistributionAggregate.of(random.nextInt(3) == 0 ? 0 : random.nextGaussian() * 1e3));
                g = g.merge(GaugeAggregate.of(random.nextDouble(), random.nextLong()));
            }
            assertThat(read(new DistributionDataPointFactory(), bytes(d)).aggregate()).isEqualTo(d);
            assertThat(read(new GaugeDataPointFactory(), bytes(g)).aggregate()).isEqualTo(g);
            assertThat(StatspipeValue.fromJson(StatspipeValue.DIST, json(StatspipeValue.toJson(d)))).isEqualTo(d);
            assertThat(StatspipeValue.fromJson(StatspipeValue.GAUGE, json(StatspipeValue.toJson(g)))).isEqualTo(g);
        }
    }

    @Test
    void severalValuesInOneStreamReadBackInTurn() throws IOException {
        // KairosDB's query cache writes many values into one file and reads them in turn
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        List<Aggregate> values = List.of(DistributionAggregate.of(3), DistributionAggregate.of(-4).merge(DistributionAggregate.of(0)));
        for (Aggregate v : values) {
            StatspipeValue.write(v, data);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
        for (Aggregate v : values) {
            assertThat(StatspipeValue.read(StatspipeValue.DIST, in)).isEqualTo(v);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void anUnknownStoredFormatIsRefusedClearly() throws IOException {
        byte[] stored = bytes(GaugeAggregate.of(1, 2));
        stored[0] = 7;
        assertThatThrownBy(() -> read(new GaugeDataPointFactory(), stored)).isInstanceOf(IOException.class)
                .hasMessageContaining("format version 7").hasMessageContaining("reads version 1");
        assertThatThrownBy(() -> read(new DistributionDataPointFactory(), bytes(GaugeAggregate.of(1, 2))))
                .isInstanceOf(IOException.class).hasMessageContaining("statspipe_dist");
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        assertRefused(StatspipeValue.DIST, DIST_JSON.replace("\"v\":1", "\"v\":2"), "unknown version v=2");
        assertRefused(StatspipeValue.GAUGE, GAUGE_JSON.replace("\"v\":1,", ""), "misses field 'v'");
        assertRefused(StatspipeValue.DIST, DIST_JSON.replace("\"zero\":1,", ""), "misses field 'zero'");
        assertRefused(StatspipeValue.GAUGE, GAUGE_JSON.replace(",\"last_at\":1717000000123", ""), "misses field 'last_at'");
        assertRefused(StatspipeValue.GAUGE, GAUGE_JSON.replace("\"sum\"", "\"total\""), "unknown field 'total'");
        assertRefused(StatspipeValue.DIST, "42", "must be a JSON object");
        assertRefused(StatspipeValue.DIST, DIST_JSON.replace("\"count\":6", "\"count\":7"),
                "invalid statspipe_dist value: distribution sketch must count the same 7 samples, got 6");
        assertRefused(StatspipeValue.DIST, DIST_JSON.replace("\"count\":6", "\"count\":6.5"), "'count' must be a whole number");
        assertRefused(StatspipeValue.GAUGE, GAUGE_JSON.replace("\"min\":-1.5", "\"min\":5"), "min 5.0 is above max 4.0");
        assertRefused(StatspipeValue.GAUGE, GAUGE_JSON.replace("\"count\":3", "\"count\":0"), "at least one sample");
        assertRefused(StatspipeValue.DIST, DIST_JSON.replace("[[-3,1],[7,2]]", "[[7,2],[-3,1]]"), "strictly ascending");
        assertRefused(StatspipeValue.DIST, DIST_JSON.replace("[[-3,1],[7,2]]", "[[-3,-1],[7,4]]"), "must not be negative");
        assertRefused(StatspipeValue.DIST, DIST_JSON.replace("\"sum\":-12.5", "\"sum\":\"x\""), "'sum' must be a number");
    }

    private static void assertRefused(String type, String text, String reason) {
        assertThatThrownBy(() -> StatspipeValue.fromJson(type, json(text))).isInstanceOf(JsonSyntaxException.class)
                .hasMessageContaining(reason);
    }
}
