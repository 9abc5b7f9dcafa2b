package io.statspipe.adapter.kairosdb;

import io.statspipe.domain.Aggregate;
import io.statspipe.domain.Bucket;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.Series;
import io.statspipe.domain.Tags;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TagFilter;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.ContentRefusedException;
import io.statspipe.ports.out.QueryAggregatesPort;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import io.statspipe.ports.out.WritePartialsPort;
import java.io.IOException;
import java.net.MalformedURLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.kairosdb.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * statspipe's aggregate store on KairosDB: writes partials as data points (see
 * {@link KairosMapping}) and answers queries and bucket reads by combining them. Thread-safe.
 */
public final class KairosAggregateStore implements WritePartialsPort, QueryAggregatesPort, ReadBucketsPort,
        AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KairosAggregateStore.class);

    private final KairosStoreConfig config;
    private final HttpClient client;
    private final PartialPoints partialPoints;
    private final PointWriter writer;
    private final KairosReads reads;
    private final StoredPoints storedPoints;
    private final AtomicLong pointsWritten = new AtomicLong();

    public KairosAggregateStore(KairosStoreConfig config) {
        this.config = config;
        try {
            this.client = new HttpClient(config.httpClient(), config.url());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("kairosdb url '" + config.url() + "' is malformed", e);
        }
        this.partialPoints = new PartialPoints(config.mapping());
        KairosRetries retries = new KairosRetries(config);
        this.writer = new PointWriter(client, config, retries);
        this.reads = new KairosReads(client, config, retries);
        this.storedPoints = new StoredPoints(client, config.mapping(), retries);
        LOG.info("KairosDB store at {} ({} points per request, gzip {})", config.url(), config.pointsPerRequest(),
                config.gzip());
    }

    @Override
    public void write(List<Partial> partials) {
        long now = config.clock().millis();
        List<DataPointRow> points = new ArrayList<>(partials.size() * 2);
        for (Partial partial : partials) {
            try {
                partialPoints.addPoints(partial, now, points);
            } catch (RuntimeException e) {
                throw new ContentRefusedException("cannot turn partial " + partial.id() + " into a KairosDB data point: "
                        + e.getMessage(), partial.toString(), e);
            }
        }
        // In the order of the metrics' names: KairosDB stores a request's points in order, so the
        // last metric by name is stored last, and the read-back looks at it first (StoredPoints).
        points.sort(Comparator.comparing(DataPointRow::metric));
        writer.write(points);
        pointsWritten.addAndGet(points.size());
        LOG.debug("wrote {} partials as {} points", partials.size(), points.size());
    }

    /**
     * The partials of {@code partials} not (yet) readable from KairosDB with the value they were
     * written with, empty once all are (see {@link StoredPoints}, and {@code DurabilityCheck} for
     * what may be returned): what makes a flush durable, since KairosDB answers a write before its
     * points reach the datastore.
     */
    public List<Partial> unconfirmed(List<Partial> partials) {
        return storedPoints.unconfirmed(partials);
    }

    /** Data points this store has written to KairosDB (acknowledged), for benchmarks and health pages. */
    public long pointsWritten() {
        return pointsWritten.get();
    }

    @Override
    public List<SeriesResult> query(StatsQuery query) {
        SortedMap<Tags, SortedMap<Long, Aggregate>> groups = reads.read(query.metric(), query.kind(),
                query.resolution(), query.filter(), query.groupBy(), query.range().from(), query.range().to());
        List<SeriesResult> results = new ArrayList<>();
        groups.forEach((group, buckets) -> {
            List<Point> points = new ArrayList<>();
            buckets.forEach((start, aggregate) -> points.add(new Point(start, aggregate.value(query.aggregation()))));
            results.add(new SeriesResult(group, points));
        });
        return results;
    }

    @Override
    public Set<SeriesKey> listSeries(String metricPrefix, TimeRange range) {
        Set<SeriesKey> found = new HashSet<>();
        long end = range.to() - 1;
        for (String name : reads.metricNames()) {
            if (!name.startsWith(metricPrefix)) {
                continue;
            }
            Optional<KairosMapping.Stored> stored = KairosMapping.parseMetric(name);
            if (stored.isEmpty()) {
                continue;
            }
            SortedSet<String> keys = reads.tagKeys(name, Tags.none(), range.from(), end);
            if (!keys.contains(KairosMapping.SOURCE_TAG)) {
                continue; // not written by statspipe (KairosDB's own metrics, for one)
            }
            keys.removeIf(KairosMapping::isInternalTag);
            for (KairosReads.Group group : reads.groups(name, stored.get().kind(), keys, Tags.none(), range.from(), end)) {
                found.add(new SeriesKey(new Series(stored.get().metric(), group.tagsAmong(keys)), stored.get().kind()));
            }
        }
        return found;
    }

    @Override
    public List<StoredBucket> readBuckets(SeriesKey key, Resolution resolution, TimeRange range) {
        SortedMap<Tags, SortedMap<Long, Aggregate>> groups = reads.read(key.series().metric(), key.kind(), resolution,
                TagFilter.exactly(key.series().tags()), new TreeSet<>(), range.from(), range.to());
        List<StoredBucket> buckets = new ArrayList<>();
        groups.getOrDefault(Tags.none(), new java.util.TreeMap<>()).forEach((start, aggregate) -> buckets.add(
                new StoredBucket(key.series(), resolution, new Bucket(start, resolution.widthMillis()), aggregate)));
        return buckets;
    }

    @Override
    public void close() {
        writer.close();
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("closing the KairosDB client failed", e);
        }
    }
}
