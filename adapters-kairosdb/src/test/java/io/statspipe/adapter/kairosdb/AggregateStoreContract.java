package io.statspipe.adapter.kairosdb;

import static io.statspipe.adapter.kairosdb.Eventually.assertEventuallyEquals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Aggregation;
import io.statspipe.domain.CounterAggregate;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.fixtures.InMemoryAggregateStore;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TagFilter;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.SeriesKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.kairosdb.client.HttpClient;
import org.kairosdb.client.builder.AggregatorFactory;
import org.kairosdb.client.builder.DataPoint;
import org.kairosdb.client.builder.QueryBuilder;
import org.kairosdb.client.builder.TimeUnit;
import org.kairosdb.client.response.Result;

/**
 * What the KairosDB store promises, whichever datastore KairosDB runs on. The expected answers
 * come from the ports' in-memory store, which keeps the same partials and combines them with the
 * domain's own merge; a few are also spelled out by hand.
 */
abstract class AggregateStoreContract {
    /** Two whole hours, ending an hour ago: recent, so retention keeps them on Cassandra too. */
    static final long HOUR0 = (System.currentTimeMillis() / Workload.HOUR - 3) * Workload.HOUR;
    static final TimeRange TWO_HOURS = new TimeRange(HOUR0, HOUR0 + 2 * Workload.HOUR);

    /** A store on the running server. */
    abstract KairosAggregateStore store();

    /** The running server's HTTP URL. */
    abstract String kairosUrl();

    @Test
    void aPlainKairosDbSumOverTheCountersOwnNameIsTheExactCountForAnyTagFilter() throws Exception {
        String p = prefix("plain");
        List<Partial> partials = Workload.partials(p, HOUR0, 4);
        store().write(partials);
        String clicks = p + ".clicks";
        long all = (long) (countOf(partials, clicks, Resolution.MINUTE, HOUR0, t -> true)
                + countOf(partials, clicks, Resolution.MINUTE, HOUR0 + 60_000, t -> true));
        long site1 = 0;
        for (long minute = HOUR0; minute < HOUR0 + 2 * Workload.HOUR; minute += 60_000) {
            site1 += (long) countOf(partials, clicks, Resolution.MINUTE, minute,
                    t -> t.value("site").filter("s1"::equals).isPresent());
        }
        long expectedSite1 = site1;

        // what a dashboard does: KairosDB's own API, metric X, a sum, a tag filter; no statspipe code
        try (HttpClient kairos = new HttpClient(kairosUrl())) {
            assertEventuallyEquals(() -> plainSum(kairos, clicks, Map.of("site", "s1"), HOUR0, HOUR0 + 2 * Workload.HOUR),
                    expectedSite1);
            assertThat(plainSum(kairos, clicks, Map.of(), HOUR0, HOUR0 + 120_000)).isEqualTo(all);
        }
        assertThat(expectedSite1).isPositive();
    }

    private static long plainSum(HttpClient kairos, String metric, Map<String, String> tags, long from, long to) {
        QueryBuilder query = QueryBuilder.getInstance().setStart(new Date(from)).setEnd(new Date(to - 1));
        query.addMetric(metric).addTags(tags)
                .addAggregator(AggregatorFactory.createSumAggregator(to - from, TimeUnit.MILLISECONDS).withStartTimeAlignment());
        long sum = 0;
        for (Result result : kairos.query(query).getQueries().get(0).getResults()) {
            for (DataPoint point : result.getDataPoints()) {
                sum += ((Number) point.getValue()).longValue();
            }
        }
        return sum;
    }

    @Test
    void everyAggregationOfEveryKindReadsBackAsTheMergedPartials() {
        String p = prefix("agg");
        List<Partial> partials = Workload.partials(p, HOUR0, 1);
        InMemoryAggregateStore expected = new InMemoryAggregateStore();
        expected.write(partials);
        store().write(partials);

        for (StatsQuery query : queries(p)) {
            assertEventuallyEquals(() -> store().query(query), expected.query(query));
        }
        // and by hand, for one bucket: the superset series under the same name shows only where asked for
        StatsQuery minute = StatsQuery.of(p + ".clicks", Kind.COUNTER, TWO_HOURS, Resolution.MINUTE, Aggregation.COUNT);
        assertThat(store().query(minute).get(0).points().get(0).value())
                .isEqualTo(countOf(partials, p + ".clicks", Resolution.MINUTE, HOUR0, t -> true));
    }

    @Test
    void exactFilterLeavesOutSupersetSeriesUnderTheSameMetric() {
        String p = prefix("exact");
        Series siteOnly = Series.of(p + ".signups", "site", "s1");
        Series siteAndPage = Series.of(p + ".signups", "site", "s1", "page", "home");
        Series otherSite = Series.of(p + ".signups", "site", "s2", "page", "home");
        store().write(List.of(counter(siteOnly, 7, 0), counter(siteAndPage, 5, 0), counter(siteAndPage, 11, 1),
                counter(otherSite, 1000, 0)));
        StatsQuery q = StatsQuery.of(p + ".signups", Kind.COUNTER, TWO_HOURS, Resolution.MINUTE, Aggregation.SUM);

        assertEventuallyEquals(() -> store().query(q.withFilter(TagFilter.including(Tags.of("site", "s1")))),
                List.of(new SeriesResult(Tags.none(), List.of(new Point(HOUR0, 23)))));
        assertThat(store().query(q.withFilter(TagFilter.exactly(Tags.of("site", "s1")))))
                .containsExactly(new SeriesResult(Tags.none(), List.of(new Point(HOUR0, 7))));
        assertThat(store().query(q.withFilter(TagFilter.exactly(Tags.of("site", "s1", "page", "home")))))
                .containsExactly(new SeriesResult(Tags.none(), List.of(new Point(HOUR0, 16))));
        assertThat(store().query(q.groupedBy("page", "_src"))).containsExactly(
                new SeriesResult(Tags.none(), List.of(new Point(HOUR0, 7))),
                new SeriesResult(Tags.of("page", "home"), List.of(new Point(HOUR0, 1016))));
        assertThat(store().query(q.withFilter(TagFilter.including(Tags.of("site", "s3"))))).isEmpty();
        // statspipe's own tags can never be named in a filter: the domain refuses such keys
        assertThatThrownBy(() -> TagFilter.including(Tags.of("_src", "p0"))).isInstanceOf(InvalidStatException.class);
    }

    @Test
    void aReplayedBatchOfIdenticalPartialsLeavesEveryValueUnchanged() {
        String p = prefix("replay");
        List<Partial> partials = Workload.partials(p, HOUR0, 2);
        InMemoryAggregateStore expected = new InMemoryAggregateStore();
        expected.write(partials);
        store().write(partials);
        List<StatsQuery> queries = queries(p);
        for (StatsQuery query : queries) {
            assertEventuallyEquals(() -> store().query(query), expected.query(query));
        }

        store().write(partials);
        expected.write(partials); // refuses any rewrite with a different value
        // A marker written after the replay becomes visible only once the replay before it has been applied.
        Series marker = Series.of(p + ".marker");
        store().write(List.of(counter(marker, 1, 0)));
        assertEventuallyEquals(() -> store().query(StatsQuery.of(marker.metric(), Kind.COUNTER, TWO_HOURS,
                Resolution.MINUTE, Aggregation.COUNT)), List.of(new SeriesResult(Tags.none(), List.of(new Point(HOUR0, 1)))));

        for (StatsQuery query : queries) {
            assertThat(store().query(query)).as(query.toString()).isEqualTo(expected.query(query));
        }
    }

    @Test
    void storedBucketsAndSeriesListingMatchThePartialsWritten() {
        String p = prefix("buckets");
        List<Partial> partials = Workload.partials(p, HOUR0, 3);
        InMemoryAggregateStore expected = new InMemoryAggregateStore();
        expected.write(partials);
        store().write(partials);

        Set<SeriesKey> series = expected.listSeries(p, TWO_HOURS);
        assertThat(series).hasSizeGreaterThan(8);
        for (SeriesKey key : series) {
            for (Resolution resolution : List.of(Resolution.MINUTE, Resolution.HOUR)) {
                assertEventuallyEquals(() -> store().readBuckets(key, resolution, TWO_HOURS),
                        expected.readBuckets(key, resolution, TWO_HOURS));
            }
        }
        assertThat(store().listSeries(p, TWO_HOURS)).isEqualTo(series);
    }

    static List<StatsQuery> queries(String p) {
        List<StatsQuery> queries = new ArrayList<>();
        for (Resolution resolution : List.of(Resolution.MINUTE, Resolution.HOUR)) {
            StatsQuery clicks = StatsQuery.of(p + ".clicks", Kind.COUNTER, TWO_HOURS, resolution, Aggregation.COUNT);
            queries.add(clicks);
            queries.add(clicks.groupedBy("site"));
            queries.add(clicks.groupedBy("site", "page"));
            queries.add(clicks.withFilter(TagFilter.including(Tags.of("site", "s1"))));
            queries.add(clicks.withFilter(TagFilter.exactly(Tags.of("site", "s1"))));
            queries.add(clicks.withFilter(TagFilter.exactly(Tags.of("site", "s2", "page", "home"))));
            for (Aggregation a : List.of(Aggregation.COUNT, Aggregation.SUM, Aggregation.MIN, Aggregation.MAX,
                    Aggregation.AVG, Aggregation.LAST)) {
                StatsQuery cpu = StatsQuery.of(p + ".cpu", Kind.GAUGE, TWO_HOURS, resolution, a);
                queries.add(cpu);
                queries.add(cpu.groupedBy("host"));
            }
            queries.add(StatsQuery.of(p + ".cpu", Kind.GAUGE, TWO_HOURS, resolution, Aggregation.LAST)
                    .withFilter(TagFilter.exactly(Tags.of("host", "h1"))));
            for (Aggregation a : List.of(Aggregation.COUNT, Aggregation.SUM, Aggregation.MIN, Aggregation.MAX,
                    Aggregation.AVG, Aggregation.percentile(0.5), Aggregation.percentile(0.99))) {
                StatsQuery latency = StatsQuery.of(p + ".latency", Kind.DISTRIBUTION, TWO_HOURS, resolution, a);
                queries.add(latency);
                queries.add(latency.groupedBy("route"));
            }
        }
        return queries;
    }

    static double countOf(List<Partial> partials, String metric, Resolution resolution, long bucket,
                          java.util.function.Predicate<Tags> tags) {
        return partials.stream().filter(x -> x.id().series().metric().equals(metric)
                        && x.id().resolution().equals(resolution) && x.id().bucket().start() == bucket
                        && tags.test(x.id().series().tags()))
                .mapToLong(x -> x.aggregate().count()).sum();
    }

    static Partial counter(Series series, long count, long seq) {
        PartialId id = new PartialId(series, Kind.COUNTER, Resolution.MINUTE, Resolution.MINUTE.bucketOf(HOUR0),
                Origin.ofPartition(0, seq, seq));
        return new Partial(id, new CounterAggregate(count), EnumSet.allOf(Aggregation.Type.class));
    }

    /** Metric names of their own per test and class, so tests sharing a server never see each other's data. */
    String prefix(String test) {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + "." + test + "."
                + Long.toString(System.nanoTime() & 0xffffff, 36);
    }

    static Set<String> keys(String... k) {
        return new TreeSet<>(List.of(k));
    }
}
