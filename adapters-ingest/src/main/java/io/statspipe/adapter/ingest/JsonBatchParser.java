package io.statspipe.adapter.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.domain.UniqueSketch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Parses an HTTP ingest body (documented in docs/design/agent.md):
 * <pre>{"events": [{"metric": "page.views", "tags": {"site": "42"}, "kind": "counter",
 *              "value": 1, "timestamp": 1700000000000, "sampleRate": 0.5}, ...]}</pre>
 * {@code kind} is {@code counter|gauge|distribution|set} (or StatsD's {@code c g ms h d s},
 * {@code timer}, {@code histogram}); a set event carries {@code "member": "alice"} (a string)
 * instead of a value; {@code tags}, {@code timestamp} (ms since 1970, default:
 * when received), {@code sampleRate} (default 1) and, for a gauge, {@code "relative": true} (the
 * value changes the gauge's level instead of setting it; default false) are optional.
 *
 * <p>A body that is not this JSON (syntax, bad UTF-8, too large, too deep) is refused whole,
 * with the reason. Inside a well-formed body each event stands alone: a bad event is reported
 * by its index and reason, the others are kept.
 */
public final class JsonBatchParser {
    /** Largest body accepted, in bytes. */
    public static final int MAX_BODY_BYTES = 4 << 20;
    /** Most events in one body. */
    public static final int MAX_EVENTS = 100_000;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(64 * 1024)
                    .maxNumberLength(64).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** One refused event: its position in {@code events} and why. */
    public record Rejection(int index, String reason) {
    }

    /** The kept events and the refused ones. */
    public record Parsed(List<Event> events, List<Rejection> rejected) {
        public Parsed {
            events = List.copyOf(events);
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * @throws InvalidStatException naming what is wrong when the body as a whole is not an ingest batch
     */
    public Parsed parse(byte[] body, int length, long receivedAtMillis) {
        if (length > MAX_BODY_BYTES) {
            throw new InvalidStatException("body too large: " + length + " > " + MAX_BODY_BYTES + " bytes");
        }
        List<Event> events = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the body must be a JSON object {\"events\": [...]}");
            boolean sawEvents = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!"events".equals(field)) {
                    throw new InvalidStatException("unknown field '" + field + "' in the body (expected only \"events\")");
                }
                expect(value, JsonToken.START_ARRAY, "\"events\" must be an array");
                sawEvents = true;
                int index = 0;
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken(), index++) {
                    if (index >= MAX_EVENTS) {
                        throw new InvalidStatException("too many events: more than " + MAX_EVENTS + " in one body");
                    }
                    try {
                        events.add(event(p, e, receivedAtMillis));
                    } catch (InvalidStatException bad) {
                        rejected.add(new Rejection(index, bad.getMessage()));
                    }
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidStatException("unexpected content after the JSON object");
            }
            if (!sawEvents) {
                throw new InvalidStatException("the body has no \"events\" array");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidStatException(e.getLocation() == null ? "malformed JSON: " + e.getOriginalMessage()
                    : "malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidStatException("unreadable body: " + e.getMessage());
        } catch (InvalidStatException e) {
            throw e;
        } catch (RuntimeException e) {
            // a safety net: whatever the JSON library throws on hostile input becomes a reason, not a 500
            throw new InvalidStatException("unreadable body: " + e);
        }
        return new Parsed(events, rejected);
    }

    /** Reads one element of "events"; on a bad field it still consumes the whole element, so parsing goes on. */
    private static Event event(JsonParser p, JsonToken start, long now) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw new InvalidStatException("an event must be a JSON object, got " + describe(start));
        }
        String metric = null;
        TreeMap<String, String> tags = new TreeMap<>();
        Kind kind = null;
        Double value = null;
        String member = null;
        long timestamp = now;
        double rate = 1.0;
        boolean relative = false;
        InvalidStatException problem = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            try {
                switch (field) {
                    case "metric" -> metric = string(p, v, "metric");
                    case "tags" -> tags(p, v, tags);
                    case "kind" -> kind = kind(string(p, v, "kind"));
                    case "value" -> value = number(p, v, "value");
                    case "member" -> member = string(p, v, "member");
                    case "timestamp" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            throw new InvalidStatException("timestamp must be an integer (ms since 1970)");
                        }
                        timestamp = p.getLongValue();
                    }
                    case "sampleRate" -> rate = number(p, v, "sampleRate");
                    case "relative" -> {
                        if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                            throw new InvalidStatException("relative must be true or false, got " + describe(v));
                        }
                        relative = v == JsonToken.VALUE_TRUE;
                    }
                    default -> throw new InvalidStatException("unknown field '" + field + "'");
                }
            } catch (InvalidStatException e) {
                p.skipChildren();
                if (problem == null) {
                    problem = e;
                }
            }
        }
        if (problem != null) {
            throw problem;
        }
        if (metric == null) {
            throw new InvalidStatException("event has no \"metric\"");
        }
        if (kind == null) {
            throw new InvalidStatException("event of '" + metric + "' has no \"kind\"");
        }
        if ((kind == Kind.SET) != (member != null)) {
            throw new InvalidStatException(kind == Kind.SET ? "set event of '" + metric + "' has no \"member\""
                    : "only a set event has a \"member\", not this " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " event of '" + metric + "'");
        }
        if (kind == Kind.SET) {
            if (value != null) {
                throw new InvalidStatException("set event of '" + metric + "' has a \"member\", not a \"value\"");
            }
            return new Event(new Series(metric, Tags.of(tags)), timestamp, Kind.SET, UniqueSketch.memberHash(member),
                    1.0);
        }
        if (value == null) {
            throw new InvalidStatException("event of '" + metric + "' has no \"value\"");
        }
        return new Event(new Series(metric, Tags.of(tags)), timestamp, kind, value, rate, relative);
    }

    private static void tags(JsonParser p, JsonToken start, TreeMap<String, String> tags) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            throw new InvalidStatException("tags must be an object of strings");
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING) {
                p.skipChildren();
                skipRest(p);
                throw new InvalidStatException("tag '" + key + "' must be a string");
            }
            tags.put(key, p.getText());
        }
    }

    /** Consumes the rest of the current object, so the caller's loop resumes after it. */
    private static void skipRest(JsonParser p) throws IOException {
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return;
            }
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, String rule) {
        if (actual != expected) {
            throw new InvalidStatException(rule + (actual == null ? " (the body is empty)" : ", got " + describe(actual)));
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "[";
            case START_OBJECT -> "{";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private static String string(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw new InvalidStatException(field + " must be a string");
        }
        return p.getText();
    }

    private static double number(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidStatException(field + " must be a number");
        }
        return p.getDoubleValue();
    }

    private static Kind kind(String name) {
        return switch (name) {
            case "counter", "c" -> Kind.COUNTER;
            case "gauge", "g" -> Kind.GAUGE;
            case "distribution", "timer", "histogram", "d", "ms", "h" -> Kind.DISTRIBUTION;
            case "set", "s" -> Kind.SET;
            default -> throw new InvalidStatException("unknown kind '" + name
                    + "' (expected counter, gauge, distribution or set)");
        };
    }
}
