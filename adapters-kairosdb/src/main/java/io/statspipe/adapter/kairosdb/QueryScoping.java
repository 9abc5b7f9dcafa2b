package io.statspipe.adapter.kairosdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statspipe.ports.out.ReadScope;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds KairosDB's query JSON to a {@link ReadScope}. On the way in, a tenant's {@code tenant}
 * tag is forced into every metric's tag filter, so KairosDB only matches (and groups, and lists
 * the tags of) that tenant's series; a filter naming another tenant is refused (403) rather than
 * silently rewritten, as statspipe's own query API does. Only the fields of a read are let
 * through: KairosDB's query plugins, which may run anything, are refused. On the way out, internal
 * tags ({@code _src}, ...) are taken out of every result, and, as a defence should the store ever
 * ignore the filter, any result of another tenant is dropped.
 */
final class QueryScoping {
    static final String TENANT_TAG = "tenant";
    private static final Logger LOG = LoggerFactory.getLogger(QueryScoping.class);
    private static final Set<String> QUERY_FIELDS = Set.of("start_absolute", "end_absolute", "start_relative",
            "end_relative", "time_zone", "cache_time", "metrics");
    private static final Set<String> METRIC_FIELDS = Set.of("name", "tags", "aggregators", "group_by", "limit", "order",
            "exclude_tags");

    private final ReadScope scope;

    QueryScoping(ReadScope scope) {
        this.scope = scope;
    }

    /** A request KairosDB is not asked: its HTTP status and the reason, in KairosDB's error format. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String reason) {
            super(reason);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** A data point or tag query, held to the scope (the node is changed in place and returned). */
    ObjectNode request(JsonNode body) {
        if (!(body instanceof ObjectNode query)) {
            throw new Refused(400, "the query must be a JSON object");
        }
        onlyFields(query, QUERY_FIELDS, "query");
        JsonNode metrics = query.path("metrics");
        if (!(metrics instanceof ArrayNode list) || list.isEmpty()) {
            throw new Refused(400, "metrics: the query must name at least one metric");
        }
        for (JsonNode metric : list) {
            if (!(metric instanceof ObjectNode m)) {
                throw new Refused(400, "metrics: each metric must be a JSON object");
            }
            onlyFields(m, METRIC_FIELDS, "metric '" + m.path("name").asText() + "'");
            scopeTags(m);
            hideInternalGroupers(m);
        }
        return query;
    }

    private static void onlyFields(ObjectNode node, Set<String> allowed, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Refused(400, where + ": field '" + name + "' is not accepted here (allowed: "
                        + new TreeSet<>(allowed) + ")");
            }
        }
    }

    private void scopeTags(ObjectNode metric) {
        JsonNode tags = metric.path("tags");
        if (!tags.isMissingNode() && !tags.isNull() && !tags.isObject()) {
            throw new Refused(400, "metric '" + metric.path("name").asText() + "': tags must be a JSON object");
        }
        if (scope.tenant().isEmpty()) {
            return;
        }
        String own = scope.tenant().get();
        ObjectNode filter = tags.isObject() ? (ObjectNode) tags : metric.putObject("tags");
        for (String asked : values(filter.path(TENANT_TAG))) {
            if (!asked.equals(own)) {
                throw new Refused(403, "tenant " + own + " may not read series of tenant " + asked);
            }
        }
        filter.set(TENANT_TAG, JsonNodeFactory.instance.arrayNode().add(own));
    }

    private static List<String> values(JsonNode tagValues) {
        List<String> values = new ArrayList<>();
        if (tagValues.isArray()) {
            tagValues.forEach(v -> values.add(v.asText()));
        } else if (!tagValues.isMissingNode() && !tagValues.isNull()) {
            values.add(tagValues.asText());
        }
        return values;
    }

    /** A group-by on internal tags would show them; those tags are dropped, a grouper left with none with them. */
    private static void hideInternalGroupers(ObjectNode metric) {
        if (!(metric.path("group_by") instanceof ArrayNode groupers)) {
            return;
        }
        for (Iterator<JsonNode> it = groupers.elements(); it.hasNext(); ) {
            JsonNode grouper = it.next();
            if ("tag".equals(grouper.path("name").asText()) && grouper.path("tags") instanceof ArrayNode keys) {
                keys.removeIf(k -> KairosMapping.isInternalTag(k.asText()));
                if (keys.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    /** A data point or tag query's answer, internal tags taken out (changed in place and returned). */
    JsonNode answer(JsonNode answer) {
        for (JsonNode query : answer.path("queries")) {
            if (!(query.path("results") instanceof ArrayNode results)) {
                continue;
            }
            for (Iterator<JsonNode> it = results.elements(); it.hasNext(); ) {
                JsonNode result = it.next();
                if (foreign(result)) {
                    LOG.error("KairosDB answered series of another tenant to a read of tenant {}; dropped them",
                            scope.tenant().orElseThrow());
                    it.remove();
                    continue;
                }
                hideInternalTags(result);
            }
        }
        return answer;
    }

    private boolean foreign(JsonNode result) {
        if (scope.tenant().isEmpty()) {
            return false;
        }
        return values(result.path("tags").path(TENANT_TAG)).stream().anyMatch(t -> !t.equals(scope.tenant().get()));
    }

    private static void hideInternalTags(JsonNode result) {
        if (result.path("tags") instanceof ObjectNode tags) {
            tags.properties().removeIf(e -> KairosMapping.isInternalTag(e.getKey()));
        }
        for (JsonNode grouper : result.path("group_by")) {
            if (grouper.path("tags") instanceof ArrayNode keys) {
                keys.removeIf(k -> KairosMapping.isInternalTag(k.asText()));
            }
            if (grouper.path("group") instanceof ObjectNode group) {
                group.properties().removeIf(e -> KairosMapping.isInternalTag(e.getKey()));
            }
        }
    }

    /** The tags of series in scope, as a tag query's answer lists them: every result's tag map, merged. */
    static Map<String, Set<String>> mergedTags(JsonNode tagAnswer) {
        Map<String, Set<String>> merged = new TreeMap<>();
        for (JsonNode query : tagAnswer.path("queries")) {
            tagsOf(query).forEach((k, v) -> merged.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
        }
        return merged;
    }

    /** The tags one query of a tag query's answer lists (the series of one metric), internal tags left out. */
    static Map<String, Set<String>> tagsOf(JsonNode query) {
        Map<String, Set<String>> tags = new TreeMap<>();
        for (JsonNode result : query.path("results")) {
            result.path("tags").properties().forEach(e -> {
                if (!KairosMapping.isInternalTag(e.getKey())) {
                    tags.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).addAll(values(e.getValue()));
                }
            });
        }
        return tags;
    }
}
