package io.statspipe.adapter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBatchParserTest {
    static final long NOW = 1_700_000_000_000L;
    final JsonBatchParser parser = new JsonBatchParser();

    private JsonBatchParser.Parsed parse(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return parser.parse(bytes, bytes.length, NOW);
    }

    @Test
    void readsEventsWithDefaultsForTimestampRateAndTags() {
        JsonBatchParser.Parsed parsed = parse("""
                {"events": [
                  {"metric": "page.views", "tags": {"site": "42"}, "kind": "counter", "value": 2, "timestamp": 1600000000000, "sampleRate": 0.5},
                  {"metric": "queue.depth", "kind": "g", "value": 7.25},
                  {"metric": "api.latency", "kind": "timer", "value": 12}
                ]}""");
        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.events()).containsExactly(
                new Event(Series.of("page.views", "site", "42"), 1_600_000_000_000L, Kind.COUNTER, 2, 0.5),
                Event.gauge(Series.of("queue.depth"), NOW, 7.25),
                Event.distribution(Series.of("api.latency"), NOW, 12));
    }

    @Test
    void aGaugeMayBeRelativeAndNothingElse() {
        JsonBatchParser.Parsed parsed = parse("""
                {"events": [
                  {"metric": "queue.depth", "kind": "gauge", "value": -2, "relative": true},
                  {"metric": "queue.depth", "kind": "gauge", "value": 9, "relative": false},
                  {"metric": "hits", "kind": "counter", "value": 1, "relative": true},
                  {"metric": "queue.depth", "kind": "gauge", "value": 1, "relative": "yes"}
                ]}""");
        assertThat(parsed.events()).containsExactly(Event.gaugeChange(Series.of("queue.depth"), NOW, -2),
                Event.gauge(Series.of("queue.depth"), NOW, 9));
        assertThat(parsed.rejected()).containsExactly(
                new JsonBatchParser.Rejection(2, "only a gauge value can be relative (+N or -N), not a counter value of hits{}"),
                new JsonBatchParser.Rejection(3, "relative must be true or false, got a string"));
    }

    @Test
    void aSetEventCarriesAMemberInsteadOfAValue() {
        JsonBatchParser.Parsed parsed = parse("""
                {"events": [
                  {"metric": "users.online", "kind": "set", "member": "alice"},
                  {"metric": "users.online", "kind": "set", "value": 1},
                  {"metric": "users.online", "kind": "set", "member": "bob", "value": 1},
                  {"metric": "page.views", "kind": "counter", "member": "bob"}
                ]}""");
        assertThat(parsed.events()).containsExactly(Event.set(Series.of("users.online"), NOW, "alice"));
        assertThat(parsed.rejected()).containsExactly(
                new JsonBatchParser.Rejection(1, "set event of 'users.online' has no \"member\""),
                new JsonBatchParser.Rejection(2, "set event of 'users.online' has a \"member\", not a \"value\""),
                new JsonBatchParser.Rejection(3, "only a set event has a \"member\", not this counter event of 'page.views'"));
    }

    @Test
    void badEventsAreListedByIndexAndTheGoodOnesKept() {
        JsonBatchParser.Parsed parsed = parse("""
                {"events": [
                  {"metric": "ok", "kind": "counter", "value": 1},
                  {"metric": "x", "kind": "counter"},
                  {"metric": "%s", "kind": "counter", "value": 1},
                  {"metric": "t", "kind": "counter", "value": 1, "tags": {"k": {"nested": [1, 2]}}},
                  {"metric": "t", "kind": "sometimes", "value": 1},
                  {"metric": "t", "kind": "counter", "value": "one"},
                  {"metric": "t", "kind": "counter", "value": 1, "colour": "red"},
                  [1, 2, 3],
                  {"metric": "t", "kind": "counter", "value": 1, "timestamp": 123456789012345678901234567890},
                  {"metric": "ok2", "kind": "gauge", "value": 3}
                ]}""".formatted("m".repeat(201)));
        assertThat(parsed.events()).containsExactly(Event.counter(Series.of("ok"), NOW, 1), Event.gauge(Series.of("ok2"), NOW, 3));
        assertThat(parsed.rejected()).containsExactly(
                new JsonBatchParser.Rejection(1, "event of 'x' has no \"value\""),
                new JsonBatchParser.Rejection(2, "metric name too long: 201 > 200 characters in '" + "m".repeat(37) + "...'"),
                new JsonBatchParser.Rejection(3, "tag 'k' must be a string"),
                new JsonBatchParser.Rejection(4, "unknown kind 'sometimes' (expected counter, gauge, distribution or set)"),
                new JsonBatchParser.Rejection(5, "value must be a number"),
                new JsonBatchParser.Rejection(6, "unknown field 'colour'"),
                new JsonBatchParser.Rejection(7, "an event must be a JSON object, got ["),
                new JsonBatchParser.Rejection(8, "timestamp must be an integer (ms since 1970)"));
    }

    @Test
    void aBodyThatIsNotABatchIsRefusedWholeWithTheReason() {
        assertThatThrownBy(() -> parse("{\"events\": [{\"metric\": \"a\",")).isInstanceOf(InvalidStatException.class)
                .hasMessageStartingWith("malformed JSON at line 1");
        assertThatThrownBy(() -> parse("[]")).hasMessageStartingWith("the body must be a JSON object");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("the body is empty");
        assertThatThrownBy(() -> parse("{\"evnts\": []}")).hasMessage("unknown field 'evnts' in the body (expected only \"events\")");
        assertThatThrownBy(() -> parse("{}")).hasMessage("the body has no \"events\" array");
        assertThatThrownBy(() -> parse("{\"events\": 3}")).hasMessage("\"events\" must be an array, got a number");
        assertThatThrownBy(() -> parse("{\"events\": []} trailing")).hasMessageStartingWith("malformed JSON");
        byte[] badUtf8 = "{\"events\": [{\"metric\": \"a\u00e9\"}]}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> parser.parse(badUtf8, badUtf8.length, NOW)).hasMessageContaining("Invalid UTF-8");
        byte[] huge = new byte[JsonBatchParser.MAX_BODY_BYTES + 1];
        assertThatThrownBy(() -> parser.parse(huge, huge.length, NOW)).hasMessageStartingWith("body too large");
    }
}
