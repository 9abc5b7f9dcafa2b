package io.statspipe.migration;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares the legacy store and the new store series by series and bucket by bucket over a
 * range, at every resolution and for every kind both keep, and reports every missing series, missing bucket and
 * differing count. A clean verification is recorded in the ledger: it is what lets reads move
 * to the new store.
 */
public final class Verification {
    private static final Comparator<SeriesKey> ORDER = Comparator.comparing((SeriesKey k) -> k.series().toString())
            .thenComparing(SeriesKey::kind);

    private final ReadBucketsPort legacy;
    private final ReadBucketsPort fresh;
    private final List<Resolution> resolutions;
    private final Set<Kind> kinds;
    private final MigrationLedger ledger;
    private final InstantSource clock;

    /**
     * @param resolutions the resolutions both stores keep (the legacy store: one minute and one hour)
     * @param kinds the kinds both stores keep (the legacy store has no gauges)
     */
    public Verification(ReadBucketsPort legacy, ReadBucketsPort newStore, List<Resolution> resolutions, Set<Kind> kinds,
                        MigrationLedger ledger, InstantSource clock) {
        this.legacy = legacy;
        this.fresh = newStore;
        this.resolutions = List.copyOf(resolutions);
        this.kinds = Set.copyOf(kinds);
        this.ledger = ledger;
        this.clock = clock;
    }

    public VerificationReport verify(TimeRange range, String metricPrefix, Coverage coverage) {
        Set<SeriesKey> inLegacy = legacy.listSeries(metricPrefix, range);
        Set<SeriesKey> inNew = fresh.listSeries(metricPrefix, range);
        Set<SeriesKey> union = new HashSet<>(inLegacy);
        union.addAll(inNew);
        union.removeIf(key -> !kinds.contains(key.kind()));
        List<SeriesKey> all = new ArrayList<>(union);
        all.sort(ORDER);
        List<SeriesKey> compared = choose(all, coverage);

        List<Discrepancy> found = new ArrayList<>();
        long buckets = 0;
        for (SeriesKey key : compared) {
            if (!inNew.contains(key)) {
                found.add(new Discrepancy.MissingSeries(key, Discrepancy.Store.NEW));
                continue;
            }
            if (!inLegacy.contains(key)) {
                found.add(new Discrepancy.MissingSeries(key, Discrepancy.Store.LEGACY));
                continue;
            }
            for (Resolution resolution : resolutions) {
                buckets += compare(key, resolution, range, found);
            }
        }
        VerificationReport report = new VerificationReport(range, metricPrefix, all.size(), compared.size(), buckets,
                coverage.statement(compared.size(), all.size()), found);
        if (report.clean() && compared.size() == all.size()) {
            ledger.verifiedClean(range, clock.instant());
        }
        return report;
    }

    private long compare(SeriesKey key, Resolution resolution, TimeRange range, List<Discrepancy> found) {
        Map<Long, Long> old = counts(legacy.readBuckets(key, resolution, range));
        Map<Long, Long> fresh = counts(this.fresh.readBuckets(key, resolution, range));
        Set<Long> starts = new java.util.TreeSet<>(old.keySet());
        starts.addAll(fresh.keySet());
        for (long start : starts) {
            Long a = old.get(start);
            Long b = fresh.get(start);
            if (a == null) {
                found.add(new Discrepancy.MissingBucket(key, resolution, start, Discrepancy.Store.LEGACY, b));
            } else if (b == null) {
                found.add(new Discrepancy.MissingBucket(key, resolution, start, Discrepancy.Store.NEW, a));
            } else if (!a.equals(b)) {
                found.add(new Discrepancy.DifferentValue(key, resolution, start, a, b));
            }
        }
        return starts.size();
    }

    private static Map<Long, Long> counts(List<StoredBucket> buckets) {
        Map<Long, Long> counts = new TreeMap<>();
        for (StoredBucket b : buckets) {
            counts.merge(b.bucket().start(), b.aggregate().count(), Long::sum);
        }
        return counts;
    }

    private static List<SeriesKey> choose(List<SeriesKey> all, Coverage coverage) {
        int n = coverage.sampleSize(all.size());
        if (n == all.size()) {
            return all;
        }
        List<SeriesKey> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(coverage.seed()));
        List<SeriesKey> sample = new ArrayList<>(shuffled.subList(0, n));
        sample.sort(ORDER);
        return sample;
    }
}
