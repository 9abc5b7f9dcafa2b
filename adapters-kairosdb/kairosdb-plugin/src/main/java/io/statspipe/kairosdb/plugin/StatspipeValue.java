package io.statspipe.kairosdb.plugin;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSyntaxException;
import io.statspipe.domain.Aggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.QuantileSketch;
import io.statspipe.domain.SetAggregate;
import io.statspipe.domain.UniqueSketch;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.json.JSONException;
import org.json.JSONWriter;

/**
 * The three value types of the plugin and their forms: the JSON object of KairosDB's HTTP API and
 * the binary form KairosDB stores.
 *
 * <p>JSON (version 1):
 * <pre>
 * statspipe_dist:  {"v":1,"count":N,"sum":S,"min":m,"max":M,"zero":Z,"pos":[[bin,count],...],"neg":[[bin,count],...]}
 * statspipe_gauge: {"v":1,"count":N,"sum":S,"min":m,"max":M,"last":L,"last_at":T}
 * statspipe_set:   {"v":1,"count":N,"hll":"base64 of the canonical HLL sketch"}
 * </pre>
 *
 * <p>Binary (format 1): one format byte ({@link #FORMAT}), one kind byte (1 distribution,
 * 2 gauge, 3 set), then the fields in the JSON order; a set's sketch as its length and its bytes. Counts are unsigned variable-length longs
 * (7 bits a byte, low bits first), {@code last_at} a zig-zag variable-length long, doubles their
 * 8 raw IEEE-754 bytes, big-endian. Bins: for each side (positive, then negative) the number of
 * bins, then per bin the distance to the previous bin (the first: the bin itself, zig-zag) and
 * its count. The same value always gives the same bytes.
 */
public final class StatspipeValue {
    /** The type of a distribution partial, in the API and in the datastore. */
    public static final String DIST = "statspipe_dist";
    /** The type of a gauge partial, in the API and in the datastore. */
    public static final String GAUGE = "statspipe_gauge";
    /** The type of a set partial (unique counts), in the API and in the datastore. */
    public static final String SET = "statspipe_set";
    /** The JSON version, field {@code v}. */
    public static final int JSON_VERSION = 1;
    /** The first byte of every stored value. */
    public static final byte FORMAT = 1;

    private static final byte KIND_DIST = 1;
    private static final byte KIND_GAUGE = 2;
    private static final byte KIND_SET = 3;
    /** 4,096 registers and the sketch's header: no canonical sketch is longer. */
    private static final int MAX_SKETCH_BYTES = 8192;
    private static final List<String> DIST_FIELDS = List.of("v", "count", "sum", "min", "max", "zero", "pos", "neg");
    private static final List<String> GAUGE_FIELDS = List.of("v", "count", "sum", "min", "max", "last", "last_at");
    private static final List<String> SET_FIELDS = List.of("v", "count", "hll");

    private StatspipeValue() {
    }

    /** The type name of an aggregate's kind. */
    public static String typeOf(Aggregate aggregate) {
        if (aggregate instanceof DistributionAggregate) {
            return DIST;
        }
        if (aggregate instanceof GaugeAggregate) {
            return GAUGE;
        }
        if (aggregate instanceof SetAggregate) {
            return SET;
        }
        throw new IllegalArgumentException("statspipe's KairosDB types hold distributions, gauges and sets, not "
                + aggregate.kind());
    }

    // ---------------------------------------------------------------- JSON in

    /**
     * Reads a value of {@code type} from its JSON object.
     *
     * @throws JsonSyntaxException naming the problem (KairosDB answers such a push with HTTP 400)
     */
    public static Aggregate fromJson(String type, JsonElement json) {
        try {
            return switch (type) {
                case DIST -> distributionFromJson(object(type, json, DIST_FIELDS));
                case GAUGE -> gaugeFromJson(object(type, json, GAUGE_FIELDS));
                case SET -> setFromJson(object(type, json, SET_FIELDS));
                default -> throw new IllegalArgumentException("unknown statspipe type '" + type + "'");
            };
        } catch (InvalidStatException | ArithmeticException e) {
            throw new JsonSyntaxException("invalid " + type + " value: " + e.getMessage());
        }
    }

    private static JsonObject object(String type, JsonElement json, List<String> fields) {
        if (json == null || !json.isJsonObject()) {
            throw new JsonSyntaxException(type + " value must be a JSON object " + fields + ", got " + json);
        }
        JsonObject o = json.getAsJsonObject();
        if (!o.has("v")) {
            throw new JsonSyntaxException(type + " value misses field 'v' (the format version, " + JSON_VERSION + ")");
        }
        JsonElement v = o.get("v");
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()
                || v.getAsJsonPrimitive().getAsBigDecimal().compareTo(BigDecimal.valueOf(JSON_VERSION)) != 0) {
            throw new JsonSyntaxException(type + " value has unknown version v=" + v + ": this plugin reads v="
                    + JSON_VERSION);
        }
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!fields.contains(e.getKey())) {
                throw new JsonSyntaxException(type + " value has unknown field '" + e.getKey() + "' (fields: "
                        + fields + ")");
            }
        }
        for (String field : fields) {
            if (!o.has(field) || o.get(field).isJsonNull()) {
                throw new JsonSyntaxException(type + " value misses field '" + field + "'");
            }
        }
        return o;
    }

    private static DistributionAggregate distributionFromJson(JsonObject o) {
        long zero = longField(DIST, o, "zero");
        QuantileSketch sketch = QuantileSketch.fromBins(bins(o, "pos"), bins(o, "neg"), zero);
        return new DistributionAggregate(longField(DIST, o, "count"), doubleField(DIST, o, "sum"),
                doubleField(DIST, o, "min"), doubleField(DIST, o, "max"), sketch);
    }

    private static GaugeAggregate gaugeFromJson(JsonObject o) {
        return new GaugeAggregate(longField(GAUGE, o, "count"), doubleField(GAUGE, o, "sum"),
                doubleField(GAUGE, o, "min"), doubleField(GAUGE, o, "max"), doubleField(GAUGE, o, "last"),
                longField(GAUGE, o, "last_at"));
    }

    private static SetAggregate setFromJson(JsonObject o) {
        JsonElement hll = o.get("hll");
        if (!hll.isJsonPrimitive() || !hll.getAsJsonPrimitive().isString()) {
            throw new JsonSyntaxException(SET + " field 'hll' must be a base64 string, got " + hll);
        }
        byte[] sketch;
        try {
            sketch = Base64.getDecoder().decode(hll.getAsString());
        } catch (IllegalArgumentException e) {
            throw new JsonSyntaxException(SET + " field 'hll' is not base64: " + e.getMessage());
        }
        return new SetAggregate(longField(SET, o, "count"), UniqueSketch.fromBytes(sketch));
    }

    private static Map<Integer, Long> bins(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (!e.isJsonArray()) {
            throw new JsonSyntaxException(DIST + " field '" + field + "' must be an array of [bin,count], got " + e);
        }
        JsonArray array = e.getAsJsonArray();
        Map<Integer, Long> bins = new LinkedHashMap<>();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < array.size(); i++) {
            JsonElement pair = array.get(i);
            if (!pair.isJsonArray() || pair.getAsJsonArray().size() != 2) {
                throw new JsonSyntaxException(DIST + " field '" + field + "'[" + i + "] must be [bin,count], got "
                        + pair);
            }
            String where = field + "[" + i + "]";
            long bin = wholeNumber(DIST, where + " bin", pair.getAsJsonArray().get(0));
            long count = wholeNumber(DIST, where + " count", pair.getAsJsonArray().get(1));
            if (bin < Integer.MIN_VALUE || bin > Integer.MAX_VALUE) {
                throw new JsonSyntaxException(DIST + " field '" + where + "' bin " + bin + " is not an int");
            }
            if (bin <= previous) {
                throw new JsonSyntaxException(DIST + " field '" + field + "' bins must be strictly ascending, got "
                        + bin + " after " + previous);
            }
            if (count < 0) {
                throw new JsonSyntaxException(DIST + " field '" + where + "' count must not be negative, got " + count);
            }
            previous = bin;
            bins.put((int) bin, count);
        }
        return bins;
    }

    private static long longField(String type, JsonObject o, String field) {
        return wholeNumber(type, field, o.get(field));
    }

    private static long wholeNumber(String type, String field, JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new JsonSyntaxException(type + " field '" + field + "' must be a whole number, got " + e);
        }
        try {
            return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
        } catch (ArithmeticException | NumberFormatException x) {
            throw new JsonSyntaxException(type + " field '" + field + "' must be a whole number (a long), got " + e);
        }
    }

    private static double doubleField(String type, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new JsonSyntaxException(type + " field '" + field + "' must be a number, got " + e);
        }
        double d;
        try {
            d = e.getAsJsonPrimitive().getAsDouble();
        } catch (NumberFormatException x) {
            throw new JsonSyntaxException(type + " field '" + field + "' must be a number, got " + e);
        }
        if (!Double.isFinite(d)) {
            throw new JsonSyntaxException(type + " field '" + field + "' must be a finite number, got " + e);
        }
        return d;
    }

    // ---------------------------------------------------------------- JSON out

    /** Writes the canonical JSON object of a value: the fields in the order above, bins ascending. */
    public static void writeJson(Aggregate aggregate, JSONWriter writer) throws JSONException {
        writer.object();
        writer.key("v").value(JSON_VERSION);
        writer.key("count").value(aggregate.count());
        if (aggregate instanceof DistributionAggregate d) {
            writer.key("sum").value(d.sum());
            writer.key("min").value(d.min());
            writer.key("max").value(d.max());
            writer.key("zero").value(d.sketch().zeroCount());
            writeBins(writer.key("pos"), d.sketch().positiveBins());
            writeBins(writer.key("neg"), d.sketch().negativeBins());
        } else if (aggregate instanceof GaugeAggregate g) {
            writer.key("sum").value(g.sum());
            writer.key("min").value(g.min());
            writer.key("max").value(g.max());
            writer.key("last").value(g.last());
            writer.key("last_at").value(g.lastAt());
        } else if (aggregate instanceof SetAggregate set) {
            writer.key("hll").value(Base64.getEncoder().encodeToString(set.sketch().toBytes()));
        } else {
            throw new IllegalArgumentException(typeOf(aggregate));
        }
        writer.endObject();
    }

    private static void writeBins(JSONWriter writer, SortedMap<Integer, Long> bins) throws JSONException {
        writer.array();
        for (Map.Entry<Integer, Long> bin : bins.entrySet()) {
            writer.array().value(bin.getKey().longValue()).value(bin.getValue().longValue()).endArray();
        }
        writer.endArray();
    }

    /** The canonical JSON object of a value, as text. */
    public static String toJson(Aggregate aggregate) {
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            writeJson(aggregate, new JSONWriter(out));
        } catch (JSONException e) {
            throw new IllegalStateException("cannot write " + aggregate + " as JSON", e);
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- binary

    /** Writes the stored form of a value. */
    public static void write(Aggregate aggregate, DataOutput out) throws IOException {
        out.writeByte(FORMAT);
        if (aggregate instanceof DistributionAggregate d) {
            out.writeByte(KIND_DIST);
            writeUnsigned(out, d.count());
            writeDouble(out, d.sum());
            writeDouble(out, d.min());
            writeDouble(out, d.max());
            writeUnsigned(out, d.sketch().zeroCount());
            writeBins(out, d.sketch().positiveBins());
            writeBins(out, d.sketch().negativeBins());
        } else if (aggregate instanceof GaugeAggregate g) {
            out.writeByte(KIND_GAUGE);
            writeUnsigned(out, g.count());
            writeDouble(out, g.sum());
            writeDouble(out, g.min());
            writeDouble(out, g.max());
            writeDouble(out, g.last());
            writeUnsigned(out, zigZag(g.lastAt()));
        } else if (aggregate instanceof SetAggregate set) {
            out.writeByte(KIND_SET);
            writeUnsigned(out, set.count());
            byte[] sketch = set.sketch().toBytes();
            writeUnsigned(out, sketch.length);
            out.write(sketch);
        } else {
            throw new IllegalArgumentException(typeOf(aggregate));
        }
    }

    /**
     * Reads a stored value of {@code type}.
     *
     * @throws IOException when the bytes are not a stored value of that type (an unknown format
     *                     version, another type, a broken value)
     */
    public static Aggregate read(String type, DataInput in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("stored " + type + " value has format version " + format + ", this statspipe"
                    + " KairosDB plugin reads version " + FORMAT + ": install the plugin version that wrote it");
        }
        byte kind = in.readByte();
        byte expected = switch (type) {
            case DIST -> KIND_DIST;
            case SET -> KIND_SET;
            default -> KIND_GAUGE;
        };
        if (kind != expected) {
            throw new IOException("stored " + type + " value holds kind " + kind + ", expected " + expected);
        }
        try {
            if (kind == KIND_DIST) {
                long count = readUnsigned(in);
                double sum = readDouble(in);
                double min = readDouble(in);
                double max = readDouble(in);
                long zero = readUnsigned(in);
                Map<Integer, Long> pos = readBins(in);
                Map<Integer, Long> neg = readBins(in);
                return new DistributionAggregate(count, sum, min, max, QuantileSketch.fromBins(pos, neg, zero));
            }
            if (kind == KIND_SET) {
                long count = readUnsigned(in);
                long length = readUnsigned(in);
                if (length <= 0 || length > MAX_SKETCH_BYTES) {
                    throw new IOException("stored " + type + " value has an impossible sketch length " + length);
                }
                byte[] sketch = new byte[(int) length];
                in.readFully(sketch);
                return new SetAggregate(count, UniqueSketch.fromBytes(sketch));
            }
            return new GaugeAggregate(readUnsigned(in), readDouble(in), readDouble(in), readDouble(in), readDouble(in),
                    unZigZag(readUnsigned(in)));
        } catch (InvalidStatException | ArithmeticException e) {
            throw new IOException("stored " + type + " value is not valid: " + e.getMessage(), e);
        }
    }

    private static void writeBins(DataOutput out, SortedMap<Integer, Long> bins) throws IOException {
        writeUnsigned(out, bins.size());
        long previous = 0;
        boolean first = true;
        for (Map.Entry<Integer, Long> bin : bins.entrySet()) {
            long index = bin.getKey();
            writeUnsigned(out, first ? zigZag(index) : index - previous);
            writeUnsigned(out, bin.getValue());
            previous = index;
            first = false;
        }
    }

    private static Map<Integer, Long> readBins(DataInput in) throws IOException {
        long size = readUnsigned(in);
        if (size < 0 || size > (1L << 32)) {
            throw new IOException("stored sketch has an impossible number of bins: " + size);
        }
        Map<Integer, Long> bins = new LinkedHashMap<>();
        long index = 0;
        for (long i = 0; i < size; i++) {
            long step = readUnsigned(in);
            index = i == 0 ? unZigZag(step) : index + step;
            if (index < Integer.MIN_VALUE || index > Integer.MAX_VALUE || (i > 0 && step <= 0)) {
                throw new IOException("stored sketch has a broken bin index " + index);
            }
            bins.put((int) index, readUnsigned(in));
        }
        return bins;
    }

    private static void writeDouble(DataOutput out, double d) throws IOException {
        out.writeLong(Double.doubleToRawLongBits(d));
    }

    private static double readDouble(DataInput in) throws IOException {
        return Double.longBitsToDouble(in.readLong());
    }

    private static void writeUnsigned(DataOutput out, long value) throws IOException {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long readUnsigned(DataInput in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("stored value has a variable-length number longer than 10 bytes");
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
