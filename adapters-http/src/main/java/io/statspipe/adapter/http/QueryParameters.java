package io.statspipe.adapter.http;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Tags;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TagFilter;
import io.statspipe.ports.in.TimeRange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The query API's parameters ({@code GET /api/v1/query?...}) turned into a {@link StatsQuery}.
 *
 * <pre>
 *   metric       required               page.views
 *   kind         counter                counter | gauge | distribution | set
 *   from, to     -1h, now               epoch millis, ISO-8601 (2026-11-26T10:00:00Z), now, or now minus -30m / -2h / -7d
 *   resolution   1m                     one the rules keep for the metric (10s, 1m, 1h ...)
 *   aggregation  sum                    count | sum | min | max | avg | last | p50 | p99 ... | unique (sets)
 *   tag          (repeatable)           key:value, the series' tags must include it
 *   match        including              including | exactly
 *   group_by     (comma separated)      tag keys to group by
 * </pre>
 */
public final class QueryParameters {
    private static final Set<String> KNOWN = Set.of("metric", "kind", "from", "to", "resolution", "aggregation", "tag",
            "match", "group_by");

    /** How far back a relative time may reach; the epoch is younger, so nothing older can hold data. */
    private static final Duration MAX_AGE = Duration.ofDays(100 * 365);

    private QueryParameters() {
    }

    /**
     * Parses an URL query string into its parameters (repeatable ones keep every value).
     *
     * @throws ApiException 400 when a name or value is not valid percent-encoded UTF-8
     */
    public static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    /**
     * @throws ApiException 400 naming the bad parameter
     */
    public static StatsQuery toQuery(Map<String, List<String>> params, Instant now) {
        onlyKnown(params, KNOWN);
        try {
            String metric = single(params, "metric", null);
            if (metric == null || metric.isBlank()) {
                throw new ApiException(400, "parameter 'metric' is required");
            }
            Kind kind = kind(single(params, "kind", "counter"));
            long from = instant("from", single(params, "from", "-1h"), now);
            long to = instant("to", single(params, "to", "now"), now);
            Resolution resolution = Resolution.parse(single(params, "resolution", "1m"));
            Aggregation aggregation = Aggregation.parse(single(params, "aggregation", "sum"));
            TreeMap<String, String> tags = new TreeMap<>();
            for (String tag : params.getOrDefault("tag", List.of())) {
                int colon = tag.indexOf(':');
                if (colon <= 0) {
                    throw new ApiException(400, "parameter 'tag' must be key:value, got '" + tag + "'");
                }
                if (tags.put(tag.substring(0, colon), tag.substring(colon + 1)) != null) {
                    throw new ApiException(400, "tag '" + tag.substring(0, colon) + "' given twice");
                }
            }
            TagFilter.Match match = switch (single(params, "match", "including").toLowerCase(Locale.ROOT)) {
                case "including" -> TagFilter.Match.INCLUDING;
                case "exactly" -> TagFilter.Match.EXACTLY;
                default -> throw new ApiException(400, "parameter 'match' must be including or exactly");
            };
            TreeSet<String> groupBy = new TreeSet<>();
            for (String g : params.getOrDefault("group_by", List.of())) {
                for (String key : g.split(",")) {
                    if (!key.isBlank()) {
                        groupBy.add(key.trim());
                    }
                }
            }
            return new StatsQuery(metric, kind, new TagFilter(Tags.of(tags), match), new TimeRange(from, to),
                    resolution, aggregation, groupBy);
        } catch (InvalidStatException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    /**
     * @throws ApiException 400 naming a parameter that is not one of {@code known}
     */
    static void onlyKnown(Map<String, List<String>> params, Set<String> known) {
        for (String key : params.keySet()) {
            if (!known.contains(key)) {
                throw new ApiException(400, "unknown query parameter '" + key + "': use " + new TreeSet<>(known));
            }
        }
    }

    static Kind kind(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "counter", "c" -> Kind.COUNTER;
            case "gauge", "g" -> Kind.GAUGE;
            case "distribution", "timer", "ms", "d", "h" -> Kind.DISTRIBUTION;
            case "set", "s" -> Kind.SET;
            default -> throw new ApiException(400, "parameter 'kind' must be counter, gauge, distribution or set, got '"
                    + text + "'");
        };
    }

    /** {@code now}, {@code -30m}/{@code -2h}/{@code -7d} (before now), epoch millis, or an ISO-8601 instant. */
    public static long instant(String name, String text, Instant now) {
        String t = text.trim();
        if (t.equals("now")) {
            return now.toEpochMilli();
        }
        try {
            if (t.matches("-\\d+[smhd]")) {
                long n = Long.parseLong(t.substring(1, t.length() - 1));
                Duration d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                if (d.compareTo(MAX_AGE) > 0) {
                    throw outOfRange(name, text);
                }
                return now.minus(d).toEpochMilli();
            }
            if (t.matches("\\d{1,16}")) {
                return Long.parseLong(t);
            }
        } catch (ArithmeticException | DateTimeException | NumberFormatException e) {
            throw outOfRange(name, text);
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new ApiException(400, "parameter '" + name + "' = '" + text
                    + "' is not now, -30m/-2h/-7d, epoch milliseconds or an ISO-8601 instant");
        }
    }

    private static ApiException outOfRange(String name, String text) {
        return new ApiException(400, "parameter '" + name + "' = '" + text + "' is out of range: at most "
                + MAX_AGE.toDays() + " days before now");
    }

    static String single(Map<String, List<String>> params, String key, String fallback) {
        List<String> values = params.get(key);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        if (values.size() > 1) {
            throw new ApiException(400, "parameter '" + key + "' given " + values.size() + " times");
        }
        return values.get(0);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "malformed percent-encoding in the query string at '" + s
                    + "': '%' must be followed by two hex digits");
        }
    }
}
