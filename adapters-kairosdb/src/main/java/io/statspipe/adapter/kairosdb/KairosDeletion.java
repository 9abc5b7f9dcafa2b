package io.statspipe.adapter.kairosdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statspipe.ports.in.DataSelection;
import io.statspipe.ports.out.DeletePointsPort;
import io.statspipe.ports.out.ReadScope;
import io.statspipe.ports.out.StoredPointCount;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a tenant's points from KairosDB with its own delete API: one request over every
 * KairosDB metric statspipe keeps the selection's metric under (every kind and resolution, see
 * {@link KairosMapping}) that has a series of the tenant, with the tenant's tag filter and the
 * selection's range. A partial's point lies inside its bucket (at its slot), and the range is whole
 * hours, so the range holds exactly the points of the buckets starting in it.
 */
public final class KairosDeletion implements DeletePointsPort, AutoCloseable {
    static final String STORE = "kairosdb";
    private static final Logger LOG = LoggerFactory.getLogger(KairosDeletion.class);

    private final KairosHttp kairos;

    public KairosDeletion(KairosStoreConfig config) {
        this.kairos = new KairosHttp(config);
    }

    @Override
    public List<StoredPointCount> count(DataSelection selection) {
        List<StoredPointCount> counts = new ArrayList<>();
        List<String> names = names(selection);
        if (names.isEmpty()) {
            return counts;
        }
        // sample_size is how many points KairosDB read for a metric: every point of the selection
        JsonNode answer = kairos.ok(kairos.post("/datapoints/query", request(selection, names)), "count points to delete");
        JsonNode queries = answer.path("queries");
        for (int i = 0; i < names.size(); i++) {
            long points = queries.path(i).path("sample_size").asLong();
            if (points > 0) {
                counts.add(new StoredPointCount(STORE, names.get(i), points));
            }
        }
        return counts;
    }

    @Override
    public void delete(DataSelection selection) {
        List<String> names = names(selection);
        if (names.isEmpty()) {
            return;
        }
        kairos.ok(kairos.post("/datapoints/delete", request(selection, names)), "delete points");
        LOG.info("deleted from KairosDB the points of {} under {}", selection, names);
    }

    /** The KairosDB metrics of the selection's metric (or of all statspipe's) with a series of the tenant. */
    private List<String> names(DataSelection selection) {
        List<String> candidates = new ArrayList<>();
        for (String name : kairos.metricNames()) {
            KairosMapping.parseMetric(name)
                    .filter(stored -> selection.metric().map(stored.metric()::equals).orElse(true))
                    .ifPresent(stored -> candidates.add(name));
        }
        if (candidates.isEmpty()) {
            return candidates;
        }
        return KairosQueryApi.namesWithSeries(kairos, ReadScope.ofTenant(selection.tenant()), candidates);
    }

    private static ObjectNode request(DataSelection selection, List<String> names) {
        ObjectNode request = KairosHttp.JSON.createObjectNode();
        request.put("start_absolute", selection.range().from());
        // KairosDB's end is inclusive
        request.put("end_absolute", selection.range().to() - 1);
        ArrayNode metrics = request.putArray("metrics");
        for (String name : names) {
            ObjectNode metric = metrics.addObject();
            metric.put("name", name);
            metric.putObject("tags").putArray(QueryScoping.TENANT_TAG).add(selection.tenant());
        }
        return request;
    }

    @Override
    public void close() {
        kairos.close();
    }
}
