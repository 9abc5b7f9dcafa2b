package io.statspipe.adapter.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import java.time.Instant;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class LegacyEventWriterTest extends LegacyStoreTestBase {
    private static final long T = Instant.parse("2026-11-25T10:01:30Z").toEpochMilli();

    @Test
    void counterEventsIncrementMinuteHourAndTotalOfTheirDayDocument() {
        LegacyEventWriter writer = new LegacyEventWriter(database);
        Series views = Series.of("web.views", "site", "42", "page", "home");

        writer.record(Event.counter(views, T, 1));
        writer.record(Event.counter(views, T + 1_000, 2));
        writer.record(Event.counter(views, T + 60_000, 1));
        writer.record(new Event(views, T + 3_600_000, Kind.COUNTER, 1, 0.25));

        Document doc = document("web.views|page=home,site=42|2026-11-25");
        assertThat(doc).isEqualTo(new Document("_id", "web.views|page=home,site=42|2026-11-25")
                .append("m", new Document("601", 3L).append("602", 1L).append("661", 4L))
                .append("h", new Document("10", 4L).append("11", 4L))
                .append("total", 8L)
                .append("metric", "web.views")
                .append("tags", new Document("page", "home").append("site", "42"))
                .append("day", "2026-11-25"));
    }

    @Test
    void timingEventsAlsoKeepTheDaySumMinAndMax() {
        LegacyEventWriter writer = new LegacyEventWriter(database);
        Series latency = Series.of("api.latency", "route", "login");

        writer.record(Event.distribution(latency, T, 120.0));
        writer.record(Event.distribution(latency, T + 5_000, 30.5));
        writer.record(Event.distribution(latency, T + 86_400_000, 7.0));

        Document today = document("api.latency|route=login|2026-11-25");
        assertThat(today.get("m", Document.class)).isEqualTo(new Document("601", 2L));
        assertThat(today.get("h", Document.class)).isEqualTo(new Document("10", 2L));
        assertThat(today.get("total")).isEqualTo(2L);
        assertThat(today.getDouble("sum")).isEqualTo(150.5);
        assertThat(today.getDouble("min")).isEqualTo(30.5);
        assertThat(today.getDouble("max")).isEqualTo(120.0);
        Document tomorrow = document("api.latency|route=login|2026-11-26");
        assertThat(tomorrow.get("total")).isEqualTo(1L);
        assertThat(tomorrow.getString("day")).isEqualTo("2026-11-26");
    }

    @Test
    void seriesWithoutTagsHaveAnEmptyTagsPartInTheirId() {
        new LegacyEventWriter(database).record(Event.counter(Series.of("signups"), T, 1));

        assertThat(document("signups||2026-11-25").get("tags")).isEqualTo(new Document());
    }

    @Test
    void gaugesAreRefusedAndNothingIsWritten() {
        LegacyEventWriter writer = new LegacyEventWriter(database);

        assertThatThrownBy(() -> writer.record(Event.gauge(Series.of("queue.depth"), T, 5)))
                .isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("counters and timings only").hasMessageContaining("queue.depth");
        assertThat(statsDaily().countDocuments()).isZero();
    }
}
