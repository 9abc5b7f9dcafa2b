package io.statspipe.adapter.mongo;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * Reads legacy documents into {@link LegacyDay}s, refusing malformed ones with the reason, and
 * writes the identity fields of new ones. The rules are in docs/design/legacy-schema.md.
 */
final class LegacyDocuments {

    /** A document that does not follow the legacy schema, with what is wrong. */
    static final class MalformedDocumentException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedDocumentException(String message) {
            super(message);
        }
    }

    private LegacyDocuments() {
    }

    /** The fields the old pipeline set on insert: metric, tags (a sub-document), day. */
    static Document identity(Series series, LocalDate day) {
        Document tags = new Document();
        series.tags().asMap().forEach(tags::append);
        return new Document(LegacySchema.METRIC, series.metric()).append(LegacySchema.TAGS, tags)
                .append(LegacySchema.DAY, day.toString());
    }

    /** The id, as text for reports, whatever its type. */
    static String idOf(Document doc) {
        return String.valueOf(doc.get(LegacySchema.ID));
    }

    static LegacyDay parse(Document doc) {
        Object rawId = doc.get(LegacySchema.ID);
        if (!(rawId instanceof String id)) {
            throw new MalformedDocumentException("_id is not a string but " + typeOf(rawId));
        }
        int first = id.indexOf('|');
        int last = id.lastIndexOf('|');
        if (first < 0 || first == last) {
            throw new MalformedDocumentException("_id is not metric|tags|day");
        }
        String idMetric = id.substring(0, first);
        Tags idTags = tagsFromId(id.substring(first + 1, last));
        LocalDate idDay = day(id.substring(last + 1), "_id");

        String metric = doc.containsKey(LegacySchema.METRIC) ? string(doc, LegacySchema.METRIC) : idMetric;
        Tags tags = doc.containsKey(LegacySchema.TAGS) ? tagsField(doc.get(LegacySchema.TAGS)) : idTags;
        LocalDate day = doc.containsKey(LegacySchema.DAY) ? day(string(doc, LegacySchema.DAY), "day") : idDay;
        if (!metric.equals(idMetric) || !tags.equals(idTags) || !day.equals(idDay)) {
            throw new MalformedDocumentException("fields metric/tags/day say " + metric + "|" + tags + "|" + day
                    + " but _id says otherwise");
        }
        Series series;
        try {
            series = new Series(metric, tags);
        } catch (InvalidStatException e) {
            throw new MalformedDocumentException(e.getMessage());
        }
        TreeMap<Integer, Long> minutes = counts(doc, LegacySchema.MINUTES, LegacySchema.MINUTES_PER_DAY);
        TreeMap<Integer, Long> hours = counts(doc, LegacySchema.HOURS, LegacySchema.HOURS_PER_DAY);
        Optional<Long> total = doc.containsKey(LegacySchema.TOTAL)
                ? Optional.of(count(doc.get(LegacySchema.TOTAL), LegacySchema.TOTAL)) : Optional.empty();
        Optional<LegacyDay.Timing> timing = timing(doc);
        return new LegacyDay(id, series, timing.isPresent() ? Kind.DISTRIBUTION : Kind.COUNTER, day, minutes, hours,
                total, timing);
    }

    private static Optional<LegacyDay.Timing> timing(Document doc) {
        boolean sum = doc.containsKey(LegacySchema.SUM);
        boolean min = doc.containsKey(LegacySchema.MIN);
        boolean max = doc.containsKey(LegacySchema.MAX);
        if (!sum && !min && !max) {
            return Optional.empty();
        }
        if (!(sum && min && max)) {
            List<String> present = new ArrayList<>();
            if (sum) {
                present.add(LegacySchema.SUM);
            }
            if (min) {
                present.add(LegacySchema.MIN);
            }
            if (max) {
                present.add(LegacySchema.MAX);
            }
            throw new MalformedDocumentException("a timing needs sum, min and max; it has only "
                    + String.join(" and ", present));
        }
        try {
            return Optional.of(new LegacyDay.Timing(number(doc.get(LegacySchema.SUM), LegacySchema.SUM),
                    number(doc.get(LegacySchema.MIN), LegacySchema.MIN), number(doc.get(LegacySchema.MAX), LegacySchema.MAX)));
        } catch (InvalidStatException e) {
            throw new MalformedDocumentException(e.getMessage());
        }
    }

    private static TreeMap<Integer, Long> counts(Document doc, String field, int slots) {
        TreeMap<Integer, Long> counts = new TreeMap<>();
        Object raw = doc.get(field);
        if (raw == null && !doc.containsKey(field)) {
            return counts;
        }
        if (!(raw instanceof Document sub)) {
            throw new MalformedDocumentException("'" + field + "' is not a sub-document but " + typeOf(raw));
        }
        for (Map.Entry<String, Object> e : sub.entrySet()) {
            int slot = slot(e.getKey(), field, slots);
            long n = count(e.getValue(), field + "." + e.getKey());
            if (n > 0) {
                counts.merge(slot, n, Math::addExact);
            }
        }
        return counts;
    }

    private static int slot(String key, String field, int slots) {
        if (!key.matches("0|[1-9][0-9]{0,3}") || Integer.parseInt(key) >= slots) {
            throw new MalformedDocumentException("key '" + key + "' in '" + field + "' is not a number from 0 to "
                    + (slots - 1));
        }
        return Integer.parseInt(key);
    }

    private static long count(Object raw, String field) {
        long n;
        if (raw instanceof Integer || raw instanceof Long) {
            n = ((Number) raw).longValue();
        } else if (raw instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            n = d.longValue();
        } else if (raw instanceof Decimal128 d) {
            try {
                n = d.bigDecimalValue().longValueExact();
            } catch (ArithmeticException e) {
                throw new MalformedDocumentException("'" + field + "' is not a whole number: " + d);
            }
        } else {
            throw new MalformedDocumentException("'" + field + "' is not a whole number but " + typeOf(raw)
                    + (raw == null ? "" : " " + raw));
        }
        if (n < 0) {
            throw new MalformedDocumentException("'" + field + "' is negative: " + n);
        }
        return n;
    }

    private static double number(Object raw, String field) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Double) {
            return ((Number) raw).doubleValue();
        }
        if (raw instanceof Decimal128 d) {
            return d.doubleValue();
        }
        throw new MalformedDocumentException("'" + field + "' is not a number but " + typeOf(raw));
    }

    private static String string(Document doc, String field) {
        Object raw = doc.get(field);
        if (!(raw instanceof String s)) {
            throw new MalformedDocumentException("'" + field + "' is not a string but " + typeOf(raw));
        }
        return s;
    }

    private static LocalDate day(String text, String field) {
        try {
            if (text.length() != 10) {
                throw new DateTimeParseException("not yyyy-MM-dd", text, 0);
            }
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedDocumentException("'" + field + "' holds '" + text + "', not a day yyyy-MM-dd");
        }
    }

    private static Tags tagsFromId(String text) {
        TreeMap<String, String> tags = new TreeMap<>();
        if (!text.isEmpty()) {
            for (String pair : text.split(",", -1)) {
                int eq = pair.indexOf('=');
                if (eq < 0 || tags.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                    throw new MalformedDocumentException("tags '" + text + "' in _id are not k1=v1,k2=v2");
                }
            }
        }
        try {
            return Tags.of(tags);
        } catch (InvalidStatException e) {
            throw new MalformedDocumentException("_id: " + e.getMessage());
        }
    }

    private static Tags tagsField(Object raw) {
        if (!(raw instanceof Document sub)) {
            throw new MalformedDocumentException("'tags' is not a sub-document but " + typeOf(raw));
        }
        TreeMap<String, String> tags = new TreeMap<>();
        for (Map.Entry<String, Object> e : sub.entrySet()) {
            if (!(e.getValue() instanceof String v)) {
                throw new MalformedDocumentException("tag '" + e.getKey() + "' is not a string but "
                        + typeOf(e.getValue()));
            }
            tags.put(e.getKey(), v);
        }
        try {
            return Tags.of(tags);
        } catch (InvalidStatException e) {
            throw new MalformedDocumentException(e.getMessage());
        }
    }

    private static String typeOf(Object raw) {
        return raw == null ? "null" : raw.getClass().getSimpleName();
    }
}
