package io.statspipe.adapter.kairosdb;

import static io.statspipe.adapter.kairosdb.Eventually.assertEventuallyEquals;
import static io.statspipe.adapter.kairosdb.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store against KairosDB on a real Cassandra node (KairosDB's production datastore). One
 * Cassandra and one KairosDB for the whole class: the same write, replay and query tests as on
 * H2, and retention, which only Cassandra enforces (H2 ignores TTLs).
 */
class KairosDbOnCassandraTest extends AggregateStoreContract {
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onCassandra();
    @AutoClose
    static KairosAggregateStore store;

    @BeforeAll
    static void connect() {
        store = new KairosAggregateStore(KairosStoreConfig.of(KAIROS.httpUrl()));
    }

    @Override
    KairosAggregateStore store() {
        return store;
    }

    @Override
    String kairosUrl() {
        return KAIROS.httpUrl();
    }

    @Test
    void eachResolutionsRetentionBecomesATimeToLive() {
        String p = prefix("ttl");
        Resolution shortLived = new Resolution("1s", 1000, Duration.ofSeconds(30));
        long now = System.currentTimeMillis();
        Series series = Series.of(p + ".clicks", "site", "s1");
        Origin origin = Origin.ofPartition(0, 0, 0);
        Partial brief = new Partial(new PartialId(series, Kind.COUNTER, shortLived, shortLived.bucketOf(now), origin),
                new CounterAggregate(3), EnumSet.allOf(Aggregation.Type.class));
        Partial kept = new Partial(new PartialId(series, Kind.COUNTER, Resolution.MINUTE, Resolution.MINUTE.bucketOf(now),
                origin), new CounterAggregate(3), EnumSet.allOf(Aggregation.Type.class));
        TimeRange around = new TimeRange(now - 120_000, now + 120_000);
        StatsQuery perSecond = StatsQuery.of(series.metric(), Kind.COUNTER, around, shortLived, Aggregation.COUNT);
        StatsQuery perMinute = StatsQuery.of(series.metric(), Kind.COUNTER, around, Resolution.MINUTE, Aggregation.COUNT);

        store.write(List.of(brief, kept));

        assertEventuallyEquals(() -> store.query(perSecond), List.of(new SeriesResult(Tags.none(),
                List.of(new Point(brief.id().bucket().start(), 3)))));
        await("the 1s bucket expires 30 s after its end", () -> store.query(perSecond).isEmpty());
        assertThat(store.query(perMinute)).containsExactly(new SeriesResult(Tags.none(),
                List.of(new Point(kept.id().bucket().start(), 3))));
    }
}
