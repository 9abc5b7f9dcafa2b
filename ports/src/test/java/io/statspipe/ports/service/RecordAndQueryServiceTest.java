package io.statspipe.ports.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.Flush;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.KeepTags;
import io.statspipe.domain.Kind;
import io.statspipe.domain.MetricPattern;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupRule;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.fixtures.InMemoryEventLog;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.RecordEventsCommand;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TagFilter;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.EngineUnavailableException;
import io.statspipe.ports.out.RequestClaim;
import io.statspipe.ports.out.RequestReceipt;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordAndQueryServiceTest {
    private static final long T0 = 1_700_000_040_000L; // a minute boundary

    @Test
    void recordedEventsAreDurableInTheEventLogWhenRecordReturns() {
        InMemoryEventLog log = new InMemoryEventLog();
        List<Event> events = List.of(Event.counter(Series.of("clicks", "site", "1"), T0, 3));

        int recorded = new RecordEventsService(log).record(new RecordEventsCommand(events, "http"));

        assertThat(recorded).isEqualTo(1);
        assertThat(log.events()).isEqualTo(events);
    }

    @Test
    void anEventLogOutageFailsTheRecordLoudly() {
        InMemoryEventLog log = new InMemoryEventLog();
        log.goDown();
        RecordEventsCommand command = new RecordEventsCommand(
                List.of(Event.counter(Series.of("clicks", "site", "1"), T0, 1)), "http");

        assertThatThrownBy(() -> new RecordEventsService(log).record(command))
                .isInstanceOf(EngineUnavailableException.class);
    }

    @Test
    void aKeyedRequestIsRecordedWithItsReceiptAndItsRepeatGetsTheSameAnswer() {
        InMemoryEventLog log = new InMemoryEventLog();
        RecordEventsService service = new RecordEventsService(log);
        byte[] body = {1, 2, 3};
        byte[] answer = {'o', 'k'};
        List<Event> events = List.of(Event.counter(Series.of("clicks", "site", "1"), T0, 3));

        assertThat(service.claim("k1", body)).isEqualTo(new RequestClaim.Fresh());
        assertThat(service.claim("k1", body)).isEqualTo(new RequestClaim.InProgress());
        service.record(new RecordEventsCommand(events, "http"), new RequestReceipt("k1", body, T0, answer));

        assertThat(log.events()).isEqualTo(events);
        assertThat(service.claim("k1", body)).isInstanceOfSatisfying(RequestClaim.Repeat.class,
                repeat -> assertThat(repeat.answer()).isEqualTo(answer));
        assertThat(service.claim("k1", new byte[] {9})).isEqualTo(new RequestClaim.OtherBody());
    }

    @Test
    void queriesSumThePartialsOfABucketAndFilterAndGroupByTags() {
        InMemoryAggregateStore store = new InMemoryAggregateStore();
        Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS);
        rollup.accept(Event.counter(Series.of("clicks", "site", "1", "page", "home"), T0, 2));
        rollup.accept(Event.counter(Series.of("clicks", "site", "2", "page", "home"), T0, 5));
        store.write(rollup.flush(Origin.ofPartition(0, 0, 0)).partials());
        rollup.accept(Event.counter(Series.of("clicks", "site", "1", "page", "about"), T0 + 1, 4));
        Flush second = rollup.flush(Origin.ofPartition(0, 1, 2));
        store.write(second.partials());

        QueryStatsService service = new QueryStatsService(store, 10_000);
        StatsQuery site1 = StatsQuery.of("clicks", Kind.COUNTER, new TimeRange(T0, T0 + 60_000), Resolution.MINUTE,
                Aggregation.COUNT).withFilter(TagFilter.including(Tags.of("site", "1")));

        assertThat(service.query(site1)).containsExactly(new SeriesResult(Tags.none(), List.of(new Point(T0, 6))));
        assertThat(service.query(site1.withFilter(TagFilter.any()).groupedBy("site"))).containsExactly(
                new SeriesResult(Tags.of("site", "1"), List.of(new Point(T0, 6))),
                new SeriesResult(Tags.of("site", "2"), List.of(new Point(T0, 5))));
        assertThat(service.query(site1.withFilter(TagFilter.exactly(Tags.of("site", "1"))))).isEmpty();
    }

    @Test
    void aSetsUniqueCountIsTheUnionOfItsPartialsAcrossFlushesAndPartitions() {
        InMemoryAggregateStore store = new InMemoryAggregateStore();
        Series online = Series.of("users.online", "site", "1");
        Rollup partition0 = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS);
        Rollup partition1 = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS);
        for (String member : List.of("alice", "bob", "alice")) {
            partition0.accept(Event.set(online, T0, member));
        }
        store.write(partition0.flush(Origin.ofPartition(0, 0, 0)).partials());
        partition0.accept(Event.set(online, T0 + 1, "carol"));
        store.write(partition0.flush(Origin.ofPartition(0, 1, 3)).partials());
        partition1.accept(Event.set(online, T0 + 2, "bob")); // the same series from another stream (a backfill, say)
        store.write(partition1.flush(Origin.ofPartition(1, 0, 0)).partials());

        QueryStatsService service = new QueryStatsService(store, 10_000);
        StatsQuery unique = StatsQuery.of("users.online", Kind.SET, new TimeRange(T0, T0 + 60_000), Resolution.MINUTE,
                Aggregation.UNIQUE);

        assertThat(service.query(unique)).containsExactly(new SeriesResult(Tags.none(), List.of(new Point(T0, 3))));
        assertThat(service.query(StatsQuery.of("users.online", Kind.SET, unique.range(), Resolution.MINUTE,
                Aggregation.COUNT))).containsExactly(new SeriesResult(Tags.none(), List.of(new Point(T0, 5))));
        assertThatThrownBy(() -> StatsQuery.of("users.online", Kind.SET, unique.range(), Resolution.MINUTE,
                Aggregation.SUM)).isInstanceOf(InvalidStatException.class)
                .hasMessage("a set such as 'users.online' answers 'unique' (distinct members) or 'count' (members"
                        + " received), not 'sum'");
        assertThatThrownBy(() -> StatsQuery.of("clicks", Kind.COUNTER, unique.range(), Resolution.MINUTE,
                Aggregation.UNIQUE)).isInstanceOf(InvalidStatException.class)
                .hasMessage("unique counts exist only for sets (|s), not for counter 'clicks'");
    }

    @Test
    void aQuerySpanningTooManyBucketsIsRefusedWithTheReason() {
        QueryStatsService service = new QueryStatsService(new InMemoryAggregateStore(), 100);
        StatsQuery year = StatsQuery.of("clicks", Kind.COUNTER, new TimeRange(0, 365L * 86_400_000L),
                Resolution.MINUTE, Aggregation.COUNT);

        assertThatThrownBy(() -> service.query(year)).isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("525600 buckets of 1m, more than 100");
    }

    @Test
    void aQueryOfAResolutionNoRuleKeepsForTheMetricIsRefusedNamingTheRule() {
        RuleSet rules = new RuleSet(List.of(RollupRule.identity("raw", List.of(Resolution.MINUTE, Resolution.HOUR)),
                new RollupRule("by-site", MetricPattern.of("page.*"), java.util.Map.of(), KeepTags.only("site"),
                        List.of(Resolution.parse("10s:1d"), Resolution.HOUR), EnumSet.of(Aggregation.Type.COUNT),
                        "{metric}.by_site")));
        QueryStatsService service = new QueryStatsService(new InMemoryAggregateStore(), 100_000, Optional.of(rules));
        TimeRange hour = new TimeRange(0, 3_600_000L);

        assertThat(service.query(StatsQuery.of("page.views.by_site", Kind.COUNTER, hour, Resolution.parse("10s"),
                Aggregation.SUM))).isEmpty();
        assertThat(service.query(StatsQuery.of("page.views", Kind.COUNTER, hour, Resolution.MINUTE, Aggregation.SUM)))
                .isEmpty();
        assertThatThrownBy(() -> service.query(StatsQuery.of("page.views.by_site", Kind.COUNTER, hour,
                Resolution.MINUTE, Aggregation.SUM)))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("resolution 1m is not kept for 'page.views.by_site': rule 'by-site' keeps [10s, 1h]");
        assertThatThrownBy(() -> service.query(StatsQuery.of("page.views", Kind.COUNTER, hour,
                Resolution.parse("10s"), Aggregation.SUM)))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("resolution 10s is not kept for 'page.views': rule 'raw' keeps [1m, 1h]");
    }
}
