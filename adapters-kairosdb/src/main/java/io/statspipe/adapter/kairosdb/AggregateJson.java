package io.statspipe.adapter.kairosdb;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.statspipe.domain.Aggregate;
import io.statspipe.domain.DistributionAggregate;
import io.statspipe.domain.GaugeAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.QuantileSketch;
import io.statspipe.domain.SetAggregate;
import io.statspipe.domain.UniqueSketch;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON value of statspipe's KairosDB data point types (the plugin's contract, version 1):
 *
 * <pre>
 * statspipe_dist:  {"v":1,"count":N,"sum":S,"min":m,"max":M,"zero":Z,"pos":[[bin,count],...],"neg":[[bin,count],...]}
 * statspipe_gauge: {"v":1,"count":N,"sum":S,"min":m,"max":M,"last":L,"last_at":T}
 * statspipe_set:   {"v":1,"count":N,"hll":"base64 of the canonical HLL sketch"}
 * </pre>
 *
 * Bins ascend; the same aggregate always gives the same JSON, so a replayed partial is the same
 * value byte for byte once the plugin has stored it.
 */
final class AggregateJson {
    static final int VERSION = 1;

    private AggregateJson() {
    }

    static JsonObject toJson(Aggregate aggregate) {
        JsonObject o = new JsonObject();
        o.addProperty("v", VERSION);
        if (aggregate instanceof DistributionAggregate d) {
            o.addProperty("count", d.count());
            o.addProperty("sum", d.sum());
            o.addProperty("min", d.min());
            o.addProperty("max", d.max());
            o.addProperty("zero", d.sketch().zeroCount());
            o.add("pos", bins(d.sketch().positiveBins()));
            o.add("neg", bins(d.sketch().negativeBins()));
            return o;
        }
        if (aggregate instanceof GaugeAggregate g) {
            o.addProperty("count", g.count());
            o.addProperty("sum", g.sum());
            o.addProperty("min", g.min());
            o.addProperty("max", g.max());
            o.addProperty("last", g.last());
            o.addProperty("last_at", g.lastAt());
            return o;
        }
        if (aggregate instanceof SetAggregate s) {
            o.addProperty("count", s.count());
            o.addProperty("hll", Base64.getEncoder().encodeToString(s.sketch().toBytes()));
            return o;
        }
        throw new IllegalArgumentException("counters are stored as plain longs, not as " + aggregate);
    }

    /** The aggregate a stored (or merged) value holds; a value of another version is refused, naming it. */
    static Aggregate fromJson(Kind kind, JsonElement value) {
        if (value == null || !value.isJsonObject()) {
            throw new IllegalStateException("KairosDB returned " + value + " where a statspipe " + kind
                    + " value was expected: is statspipe's KairosDB plugin installed?");
        }
        JsonObject o = value.getAsJsonObject();
        int version = o.has("v") ? o.get("v").getAsInt() : -1;
        if (version != VERSION) {
            throw new IllegalStateException("statspipe value of version " + o.get("v") + " from KairosDB: this"
                    + " statspipe reads version " + VERSION);
        }
        long count = o.get("count").getAsLong();
        return switch (kind) {
            case DISTRIBUTION -> new DistributionAggregate(count, o.get("sum").getAsDouble(), o.get("min").getAsDouble(),
                    o.get("max").getAsDouble(), QuantileSketch.fromBins(bins(o.getAsJsonArray("pos")),
                    bins(o.getAsJsonArray("neg")), o.get("zero").getAsLong()));
            case GAUGE -> new GaugeAggregate(count, o.get("sum").getAsDouble(), o.get("min").getAsDouble(),
                    o.get("max").getAsDouble(), o.get("last").getAsDouble(), o.get("last_at").getAsLong());
            case SET -> new SetAggregate(count, UniqueSketch.fromBytes(Base64.getDecoder().decode(o.get("hll").getAsString())));
            case COUNTER -> throw new IllegalArgumentException("counters are stored as plain longs");
        };
    }

    private static JsonArray bins(Map<Integer, Long> bins) {
        JsonArray array = new JsonArray();
        bins.forEach((bin, n) -> {
            JsonArray pair = new JsonArray();
            pair.add(bin);
            pair.add(n);
            array.add(pair);
        });
        return array;
    }

    private static Map<Integer, Long> bins(JsonArray array) {
        Map<Integer, Long> bins = new TreeMap<>();
        for (JsonElement e : array) {
            JsonArray pair = e.getAsJsonArray();
            bins.put(pair.get(0).getAsInt(), pair.get(1).getAsLong());
        }
        return bins;
    }
}
