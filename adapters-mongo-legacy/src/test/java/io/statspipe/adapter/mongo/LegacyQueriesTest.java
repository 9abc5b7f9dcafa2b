package io.statspipe.adapter.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TagFilter;
import io.statspipe.ports.in.TimeRange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The legacy store answers queries as the new store does: the same events, written per event
 * into MongoDB and rolled up into the in-memory aggregate store, give the same answers.
 */
class LegacyQueriesTest extends LegacyStoreTestBase {
    private static final long START = Instant.parse("2026-11-25T00:00:00Z").toEpochMilli();
    private static final TimeRange TWO_DAYS = new TimeRange(START, START + 2 * LegacySchema.DAY_MILLIS);
    private static final List<Series> VIEWS = List.of(
            Series.of("web.views", "site", "1", "page", "home"), Series.of("web.views", "site", "1", "page", "about"),
            Series.of("web.views", "site", "2", "page", "home"), Series.of("web.views", "site", "1"),
            Series.of("web.views.bots", "site", "1"));
    private static final List<Series> LATENCY = List.of(Series.of("api.latency", "route", "login"),
            Series.of("api.latency", "route", "search"));

    private final InMemoryAggregateStore newStore = new InMemoryAggregateStore();
    private final List<Event> events = new ArrayList<>();
    private LegacyQueries legacy;

    @BeforeEach
    void writeTheSameEventsToBothStores() {
        Random random = new Random(11);
        LegacyEventWriter writer = new LegacyEventWriter(database);
        Rollup rollup = new Rollup(RuleSet.defaults(), new RollupSettings(Duration.ofSeconds(10), Duration.ofDays(3)));
        long t = START;
        for (int i = 0; i < 1_500; i++) {
            t += random.nextInt(200_000);
            Event e = random.nextInt(3) == 0
                    ? Event.distribution(LATENCY.get(random.nextInt(LATENCY.size())), t, 1 + random.nextInt(900))
                    : Event.counter(VIEWS.get(random.nextInt(VIEWS.size())), t, 1 + random.nextInt(4));
            events.add(e);
            writer.record(e);
            rollup.accept(e);
        }
        newStore.write(rollup.flush(Origin.ofPartition(0, 0, 0)).partials());
        legacy = new LegacyQueries(database);
    }

    private void assertSameAnswer(StatsQuery query) {
        List<SeriesResult> expected = newStore.query(query);
        assertThat(expected).as("the reference store has data for %s", query).isNotEmpty();
        assertThat(legacy.query(query)).as("%s", query).isEqualTo(expected);
    }

    @Test
    void countsPerMinuteAndHourOfOneMetricEqualTheNewStores() {
        assertSameAnswer(StatsQuery.of("web.views", Kind.COUNTER, TWO_DAYS, Resolution.MINUTE, Aggregation.COUNT));
        assertSameAnswer(StatsQuery.of("web.views", Kind.COUNTER, TWO_DAYS, Resolution.HOUR, Aggregation.SUM));
        assertSameAnswer(StatsQuery.of("api.latency", Kind.DISTRIBUTION, TWO_DAYS, Resolution.MINUTE, Aggregation.COUNT));
        assertSameAnswer(StatsQuery.of("api.latency", Kind.DISTRIBUTION, TWO_DAYS, Resolution.HOUR, Aggregation.COUNT));
    }

    @Test
    void tagFiltersAndGroupByEqualTheNewStores() {
        TimeRange afternoon = new TimeRange(START + 13 * LegacySchema.HOUR_MILLIS, START + 27 * LegacySchema.HOUR_MILLIS);
        StatsQuery hours = StatsQuery.of("web.views", Kind.COUNTER, afternoon, Resolution.HOUR, Aggregation.COUNT);

        assertSameAnswer(hours.withFilter(TagFilter.including(Tags.of("site", "1"))));
        assertSameAnswer(hours.withFilter(TagFilter.exactly(Tags.of("site", "1"))));
        assertSameAnswer(hours.withFilter(TagFilter.including(Tags.of("page", "home"))).groupedBy("site"));
        assertSameAnswer(hours.groupedBy("page"));
        assertSameAnswer(StatsQuery.of("web.views", Kind.COUNTER, afternoon, Resolution.MINUTE, Aggregation.MAX)
                .withFilter(TagFilter.exactly(Tags.of("site", "2", "page", "home"))));
    }

    @Test
    void theSiblingMetricWithALongerNameIsNotPartOfAQuery() {
        List<SeriesResult> views = legacy.query(StatsQuery.of("web.views", Kind.COUNTER, TWO_DAYS,
                Resolution.parse("1d"), Aggregation.COUNT));

        long expected = events.stream().filter(e -> e.series().metric().equals("web.views")).mapToLong(Event::increment).sum();
        assertThat(views).hasSize(1);
        assertThat(views.get(0).points().stream().mapToDouble(Point::value).sum()).isEqualTo(expected);
    }

    @Test
    void timingSumMinMaxAndAvgAreAnsweredForWholeDays() {
        Series login = LATENCY.get(0);
        StatsQuery days = StatsQuery.of("api.latency", Kind.DISTRIBUTION, TWO_DAYS, Resolution.parse("1d"), Aggregation.SUM)
                .withFilter(TagFilter.exactly(login.tags()));
        List<Event> firstDay = events.stream()
                .filter(e -> e.series().equals(login) && e.timestamp() < START + LegacySchema.DAY_MILLIS).toList();

        double sum = legacy.query(days).get(0).points().get(0).value();
        double min = legacy.query(new StatsQuery(days.metric(), days.kind(), days.filter(), days.range(), days.resolution(),
                Aggregation.MIN, days.groupBy())).get(0).points().get(0).value();
        double avg = legacy.query(new StatsQuery(days.metric(), days.kind(), days.filter(), days.range(), days.resolution(),
                Aggregation.AVG, days.groupBy())).get(0).points().get(0).value();

        assertThat(sum).isCloseTo(firstDay.stream().mapToDouble(Event::value).sum(), within(1e-6));
        assertThat(min).isEqualTo(firstDay.stream().mapToDouble(Event::value).min().orElseThrow());
        assertThat(avg).isCloseTo(firstDay.stream().mapToDouble(Event::value).average().orElseThrow(), within(1e-9));
    }

    @Test
    void whatTheLegacyStoreDoesNotKeepIsRefusedWithTheReason() {
        assertThatThrownBy(() -> legacy.query(StatsQuery.of("api.latency", Kind.DISTRIBUTION, TWO_DAYS, Resolution.HOUR,
                Aggregation.percentile(0.99)))).isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("p99 of 'api.latency'").hasMessageContaining("keeps no quantiles");
        assertThatThrownBy(() -> legacy.query(StatsQuery.of("api.latency", Kind.DISTRIBUTION, TWO_DAYS, Resolution.MINUTE,
                Aggregation.AVG))).isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("sum, min and max per day only");
        assertThatThrownBy(() -> legacy.query(StatsQuery.of("queue.depth", Kind.GAUGE, TWO_DAYS, Resolution.MINUTE,
                Aggregation.LAST))).isInstanceOf(InvalidStatException.class).hasMessageContaining("never kept gauges");
        assertThatThrownBy(() -> legacy.query(StatsQuery.of("web.views", Kind.COUNTER, TWO_DAYS, Resolution.parse("10s"),
                Aggregation.COUNT))).isInstanceOf(InvalidStatException.class).hasMessageContaining("per minute at the finest");
    }
}
