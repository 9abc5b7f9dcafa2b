package io.statspipe.adapter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.Event;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import io.statspipe.domain.UniqueSketch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsdLineParserTest {
    static final long NOW = 1_700_000_000_000L;
    final StatsdLineParser parser = new StatsdLineParser();
    final List<Event> events = new ArrayList<>();
    final List<String> rejected = new ArrayList<>();

    private void parse(String datagram) {
        parse(datagram.getBytes(StandardCharsets.UTF_8));
    }

    private void parse(byte[] datagram) {
        parser.parse(datagram, 0, datagram.length, NOW, events, (data, offset, length, reason) ->
                rejected.add(new String(data, offset, length, StandardCharsets.ISO_8859_1) + " => " + reason));
    }

    @Test
    void readsEveryStatsdTypeWithRatesTagsAndSeveralLinesPerDatagram() {
        parse("page.views:1|c\n"
                + "page.views:3|c|@0.1|#site:42,page:home\r\n"
                + "queue.depth:-2.5|g\n"
                + "api.latency:12.5|ms|#route:/users\n"
                + "api.size:512|h\n"
                + "api.dist:1:2:3|d|@0.5\n"
                + "\n"
                + "old.job:1|c|T1600000000|c:container123\n");

        assertThat(rejected).isEmpty();
        Series tagged = Series.of("page.views", "site", "42", "page", "home");
        assertThat(events).containsExactly(
                Event.counter(Series.of("page.views"), NOW, 1),
                new Event(tagged, NOW, Kind.COUNTER, 3, 0.1),
                Event.gauge(Series.of("queue.depth"), NOW, -2.5),
                Event.distribution(Series.of("api.latency", "route", "/users"), NOW, 12.5),
                Event.distribution(Series.of("api.size"), NOW, 512),
                new Event(Series.of("api.dist"), NOW, Kind.DISTRIBUTION, 1, 0.5),
                new Event(Series.of("api.dist"), NOW, Kind.DISTRIBUTION, 2, 0.5),
                new Event(Series.of("api.dist"), NOW, Kind.DISTRIBUTION, 3, 0.5),
                Event.counter(Series.of("old.job"), 1_600_000_000_000L, 1));
        assertThat(events.get(1).increment()).isEqualTo(30);
    }

    @Test
    void handsOutOneInstancePerSeriesForTheSeriesOfABusyHost() {
        int seriesCount = 20_000; // names and tags alike but for a few digits, as hosts send them
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < seriesCount; i++) {
            lines.append("app.metric").append(i % 20).append(":1|c|#id:s").append(i).append(",tenant:t").append(i % 50).append('\n');
        }
        parse(lines.toString());
        List<Series> first = events.stream().map(Event::series).toList();
        events.clear();
        parse(lines.toString());

        assertThat(rejected).isEmpty();
        assertThat(events).hasSize(seriesCount);
        for (int i = 0; i < seriesCount; i++) {
            assertThat(events.get(i).series()).isSameAs(first.get(i));
        }
    }

    @Test
    void dogStatsdEventsAndServiceChecksAreRecognisedAndIgnoredNotRefused() {
        byte[] datagram = ("_e{5,4}:title|text|d:1700000000|h:web1|p:low|t:info|#tenant:acme\n"
                + "page.views:1|c\n"
                + "_sc|db.reachable|0|d:1700000000|h:web1|#tenant:acme|m:all good\r\n"
                + "_sc|db.reachable|2\n"
                + "_other:1|c\n").getBytes(StandardCharsets.UTF_8);

        int ignored = parser.parse(datagram, 0, datagram.length, NOW, events, (data, offset, length, reason) ->
                rejected.add(new String(data, offset, length, StandardCharsets.ISO_8859_1) + " => " + reason));

        assertThat(ignored).isEqualTo(3);
        assertThat(events).containsExactly(Event.counter(Series.of("page.views"), NOW, 1));
        // An underscore name that is neither is still a bad metric name, refused with its reason.
        assertThat(rejected).singleElement().asString().startsWith("_other:1|c => metric name '_other'");
    }

    @Test
    void badLinesAreRejectedWithTheirReasonAndGoodLinesOfTheDatagramStillCount() {
        parse("good.one:1|c\n"
                + "no-value-or-type\n"
                + "no.type:1\n"
                + "bad.type:1|x\n"
                + "empty.member:|s\n"
                + "bad.value:abc|c\n"
                + "bad.rate:1|c|@2\n"
                + "bad.tag:1|c|#novalue\n"
                + "infinite:1e999|c\n"
                + "two.counts:1:2|c\n"
                + "bad name:1|c\n"
                + "x".repeat(201) + ":1|c\n"
                + "long.tag:1|c|#k:" + "v".repeat(201) + "\n"
                + "good.two:2|c");

        assertThat(events).containsExactly(Event.counter(Series.of("good.one"), NOW, 1), Event.counter(Series.of("good.two"), NOW, 2));
        assertThat(rejected).hasSize(12);
        assertThat(rejected.get(0)).isEqualTo("no-value-or-type => missing '|type' in 'no-value-or-type'");
        assertThat(rejected.get(1)).endsWith("missing '|type' in 'no.type:1'");
        assertThat(rejected.get(2)).endsWith("unknown metric type 'x' (expected c, g, ms, h, d or s)");
        assertThat(rejected.get(3)).endsWith("set member must not be empty in 'empty.member:|s'");
        assertThat(rejected.get(4)).endsWith("value 'abc' is not a number");
        assertThat(rejected.get(5)).contains("sample rate must be in [0.000001, 1], got 2.0");
        assertThat(rejected.get(6)).endsWith("tag 'novalue' has no value (expected key:value)");
        assertThat(rejected.get(7)).endsWith("value '1e999' is not a finite number");
        assertThat(rejected.get(8)).contains("several values in one line are only allowed for |ms |h |d");
        assertThat(rejected.get(9)).contains("metric name 'bad name' may hold only");
        assertThat(rejected.get(10)).contains("metric name too long: 201 > 200");
        assertThat(rejected.get(11)).contains("tag value too long: 201 > 200 characters in tag 'k'");
    }

    @Test
    void aSetLineCarriesItsMemberWholeAsTheMembersHash() {
        parse("users.online:alice|s\nusers.online:bob@example.com:8080|s|@0.5|#site:eu\n");

        assertThat(events).containsExactly(Event.set(Series.of("users.online"), NOW, "alice"),
                Event.set(Series.of("users.online", "site", "eu"), NOW, "bob@example.com:8080"));
        assertThat(events.get(0).kind()).isEqualTo(Kind.SET);
        assertThat(events.get(0).value()).isEqualTo(UniqueSketch.memberHash("alice"));
    }

    @Test
    void aPlusGaugeChangesTheLevelAndAMinusGaugeIsANegativeLevelAsInDogStatsd() {
        Series depth = Series.of("queue.depth");
        parse("queue.depth:+5|g\nqueue.depth:-3|g\nqueue.depth:2|g\nqueue.depth:+0.5|g|@0.5\nhits:+2|c\n");

        assertThat(rejected).isEmpty();
        assertThat(events).containsExactly(Event.gaugeChange(depth, NOW, 5), Event.gauge(depth, NOW, -3),
                Event.gauge(depth, NOW, 2), new Event(depth, NOW, Kind.GAUGE, 0.5, 0.5, true),
                Event.counter(Series.of("hits"), NOW, 2));
    }

    @Test
    void underEtsyRulesAMinusGaugeLowersTheLevel() {
        Series depth = Series.of("queue.depth");
        byte[] datagram = "queue.depth:+5|g\nqueue.depth:-3|g\nqueue.depth:2|g\ntemp:-1:2|g\n".getBytes(StandardCharsets.UTF_8);

        new StatsdLineParser(GaugeDeltas.ETSY).parse(datagram, 0, datagram.length, NOW, events,
                (data, offset, length, reason) -> rejected.add(reason));

        assertThat(events).containsExactly(Event.gaugeChange(depth, NOW, 5), Event.gaugeChange(depth, NOW, -3),
                Event.gauge(depth, NOW, 2));
        assertThat(rejected).singleElement().asString().contains("several values in one line are only allowed");
    }

    @Test
    void invalidUtf8IsNamedAsSuch() {
        byte[] datagram = "ok:1|c\nbad\u00e9:1|c\n".getBytes(StandardCharsets.ISO_8859_1); // a lone 0xE9 byte
        parse(datagram);
        assertThat(events).containsExactly(Event.counter(Series.of("ok"), NOW, 1));
        assertThat(rejected).singleElement().asString().endsWith("invalid UTF-8 in 'bad\\xe9'");
    }

    @Test
    void theSeriesCacheNeverConfusesSeriesWithTheSameName() {
        for (int i = 0; i < 3; i++) {
            parse("m:1|c|#a:1\nm:1|c|#a:2\nm:1|c\n");
        }
        assertThat(events).extracting(Event::series).containsExactly(
                Series.of("m", "a", "1"), Series.of("m", "a", "2"), Series.of("m"),
                Series.of("m", "a", "1"), Series.of("m", "a", "2"), Series.of("m"),
                Series.of("m", "a", "1"), Series.of("m", "a", "2"), Series.of("m"));
    }

    @Test
    void everySeriesOfManyIsItsOwnWhateverTheCacheHoldsAndARepeatIsTheSameInstance() {
        // far more series than the cache has sets: colliding bytes must never share an entry
        int series = 150_000;
        for (int pass = 0; pass < 2; pass++) {
            StringBuilder datagram = new StringBuilder();
            for (int i = 0; i < series; i++) {
                datagram.append("m").append(i % 7).append(":1|c|#s:").append(i).append('\n');
            }
            parse(datagram.toString());
        }
        assertThat(rejected).isEmpty();
        assertThat(events).hasSize(2 * series);
        for (int i = 0; i < 2 * series; i++) {
            int n = i % series;
            assertThat(events.get(i).series()).isEqualTo(Series.of("m" + n % 7, "s", Integer.toString(n)));
        }
        // two hot series, over and over: each is parsed into one instance, however their bytes hash
        events.clear();
        for (int i = 0; i < 4; i++) {
            parse("hot.a:1|c|#k:v\nhot.b:1|c|#k:v\n");
        }
        assertThat(events.stream().map(Event::series).distinct().count()).isEqualTo(2);
        assertThat(events.get(6).series()).isSameAs(events.get(0).series());
        assertThat(events.get(7).series()).isSameAs(events.get(1).series());
    }

    @Test
    void decimalValuesParseExactlyAsJavaDoes() {
        String[] values = {"0", "-0", "0.1", "123456789012345", "1.000000000000001", "-98.7654321", "3.14159", "1e3", "2.5E-3", "0.30000000000000004"};
        for (String v : values) {
            events.clear();
            parse("v:" + v + "|g");
            assertThat(events).as(v).singleElement().extracting(Event::value).isEqualTo(Double.parseDouble(v));
        }
    }
}
