package io.statspipe.adapter.kairosdb;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * statspipe's KairosDB plugin (module {@code adapters-kairosdb/kairosdb-plugin}), seen from
 * statspipe: the names of its data point types and aggregators, the configuration that loads it
 * into a KairosDB server, and a start-up check that a server has it.
 *
 * <p>A {@code statspipe_dist}, {@code statspipe_gauge} or {@code statspipe_set} data point holds a
 * whole distribution, gauge or set aggregate, and KairosDB's own query API merges them with the {@code statspipe_*}
 * aggregators (see docs/design/kairosdb-mapping.md, "The statspipe KairosDB plugin").
 */
public final class KairosPlugin {
    /** Data point type of a distribution partial: {@code {"v":1,"count","sum","min","max","zero","pos","neg"}}. */
    public static final String DIST_TYPE = "statspipe_dist";
    /** Data point type of a gauge partial: {@code {"v":1,"count","sum","min","max","last","last_at"}}. */
    public static final String GAUGE_TYPE = "statspipe_gauge";
    /** Data point type of a set partial: {@code {"v":1,"count","hll"}} (the canonical HLL sketch, base64). */
    public static final String SET_TYPE = "statspipe_set";

    public static final String MERGE = "statspipe_merge";
    public static final String COUNT = "statspipe_count";
    public static final String SUM = "statspipe_sum";
    public static final String AVG = "statspipe_avg";
    public static final String MIN = "statspipe_min";
    public static final String MAX = "statspipe_max";
    public static final String LAST = "statspipe_last";
    /** Takes the property {@code percentile}, a fraction: 0.99 for p99. */
    public static final String PERCENTILE = "statspipe_percentile";
    /** The estimated number of distinct members of a set, from the union of its sketches. */
    public static final String UNIQUE = "statspipe_unique";
    public static final List<String> AGGREGATORS = List.of(MERGE, COUNT, SUM, AVG, MIN, MAX, LAST, PERCENTILE, UNIQUE);

    /** The Guice module KairosDB starts as a service. */
    public static final String MODULE_CLASS = "io.statspipe.kairosdb.plugin.StatspipePluginModule";
    public static final String DIST_FACTORY_CLASS = "io.statspipe.kairosdb.plugin.DistributionDataPointFactory";
    public static final String GAUGE_FACTORY_CLASS = "io.statspipe.kairosdb.plugin.GaugeDataPointFactory";
    public static final String SET_FACTORY_CLASS = "io.statspipe.kairosdb.plugin.SetDataPointFactory";

    /** The lines of kairosdb.conf (or kairosdb.properties, with {@code =}) that load the plugin. */
    public static final List<String> CONFIGURATION = List.of(
            "kairosdb.service.statspipe: \"" + MODULE_CLASS + "\"",
            "kairosdb.datapoints.factory." + DIST_TYPE + ": \"" + DIST_FACTORY_CLASS + "\"",
            "kairosdb.datapoints.factory." + GAUGE_TYPE + ": \"" + GAUGE_FACTORY_CLASS + "\"",
            "kairosdb.datapoints.factory." + SET_TYPE + ": \"" + SET_FACTORY_CLASS + "\"");

    /** The jars to put into the KairosDB installation's lib/ folder. */
    public static final List<String> JARS = List.of("kairosdb-plugin-0.1.0-SNAPSHOT.jar", "domain-0.1.0-SNAPSHOT.jar",
            "datasketches-java-6.2.0.jar", "datasketches-memory-3.0.2.jar");

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private KairosPlugin() {
    }

    /**
     * Checks that the KairosDB server at {@code kairosBaseUrl} has the plugin, by asking it which
     * aggregators it knows ({@code GET /api/v1/features/aggregators}).
     *
     * @throws IllegalStateException when the server answers but lacks the plugin (the message says
     *                               what to install), or cannot be asked
     */
    public static void requireInstalled(String kairosBaseUrl) {
        String base = kairosBaseUrl.endsWith("/") ? kairosBaseUrl.substring(0, kairosBaseUrl.length() - 1)
                : kairosBaseUrl;
        URI uri = URI.create(base + "/api/v1/features/aggregators");
        HttpResponse<String> response;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot ask KairosDB at " + base + " for its aggregators (" + uri + "): "
                    + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking KairosDB at " + base + " for its aggregators", e);
        }
        if (response.statusCode() == 404) {
            throw notInstalled(base, AGGREGATORS, "it has no " + uri.getPath() + " (a KairosDB older than 1.3?)");
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("KairosDB at " + base + " answered " + uri.getPath() + " with HTTP "
                    + response.statusCode() + ": " + response.body());
        }
        List<String> missing = new ArrayList<>(AGGREGATORS);
        missing.removeAll(aggregatorNames(base, response.body()));
        if (!missing.isEmpty()) {
            throw notInstalled(base, missing, "it lacks the aggregators " + missing);
        }
    }

    private static Set<String> aggregatorNames(String base, String body) {
        Set<String> names = new LinkedHashSet<>();
        try {
            JsonElement json = JsonParser.parseString(body);
            for (JsonElement feature : json.getAsJsonArray()) {
                JsonElement name = feature.getAsJsonObject().get("name");
                if (name != null && name.isJsonPrimitive()) {
                    names.add(name.getAsString());
                }
            }
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalStateException("KairosDB at " + base + " answered /api/v1/features/aggregators with"
                    + " something other than a list of aggregators: " + body, e);
        }
        return names;
    }

    /** What statspipe says when the server lacks the plugin: exactly what to install where. */
    static IllegalStateException notInstalled(String base, List<String> missing, String why) {
        return new IllegalStateException("KairosDB at " + base + " does not have statspipe's KairosDB plugin: "
                + why + ". Install it on that KairosDB: copy " + String.join(" and ", JARS)
                + " (built by ./mvnw -B -pl adapters-kairosdb/kairosdb-plugin -am package: "
                + "adapters-kairosdb/kairosdb-plugin/target/ and domain/target/; the DataSketches jars from Maven Central)"
                + " into its lib/ folder, add these lines"
                + " to its conf/kairosdb.conf:\n  " + String.join("\n  ", CONFIGURATION)
                + "\nand restart it. (Missing aggregators: " + missing + ".)");
    }
}
