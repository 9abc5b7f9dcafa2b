package io.statspipe.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosMapping;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.kairosdb.server.LocalKairosDb;
import io.statspipe.adapter.mongo.LegacyEventWriter;
import io.statspipe.adapter.mongo.LegacyHistoryGenerator;
import io.statspipe.adapter.mongo.LegacyHistoryReader;
import io.statspipe.adapter.mongo.LegacyMongoServer;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Partial;
import io.statspipe.domain.PartialId;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RuleSet;
import io.statspipe.migration.Backfill;
import io.statspipe.migration.Coverage;
import io.statspipe.migration.MigrationLedger;
import io.statspipe.migration.RateLimit;
import io.statspipe.migration.Verification;
import io.statspipe.migration.VerificationReport;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.DayRange;
import io.statspipe.ports.out.ProgressPort;
import io.statspipe.ports.out.SeriesKey;
import io.statspipe.ports.out.StoredBucket;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Migration throughput against a local KairosDB server (H2) and an in-memory MongoDB-protocol
 * server holding generated legacy history:
 *
 * <ul>
 *   <li>backfill: data points per second copied into KairosDB by {@link Backfill} (batched
 *       writes), beside the same points written one per request (the baseline), both until
 *       KairosDB acknowledged the last write;</li>
 *   <li>verify: buckets per second compared by {@link Verification} (both stores read), beside
 *       reading the same buckets from KairosDB alone (the baseline).</li>
 * </ul>
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.statspipe.bench.MigrationBench [days] [counterSeries] [eventsPerSeriesPerDay]
 * </pre>
 */
public final class MigrationBench {
    private static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);

    private MigrationBench() {
    }

    /** One figure beside its baseline, in the same unit. */
    public record Figures(long points, double backfill, double backfillBaseline, long buckets, double verify,
                          double verifyBaseline) {
    }

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        int events = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        Figures f = run(days, series, events);
        System.out.printf(Locale.ROOT, "Migration, %d days x %d counter series x ~%d events/day: %,d data points, %,d buckets%n",
                days, series, events, f.points(), f.buckets());
        System.out.printf(Locale.ROOT, "  backfill (batched):                  %,10.0f points/s%n", f.backfill());
        System.out.printf(Locale.ROOT, "  same points one per request (base):  %,10.0f points/s   ratio %.1fx%n",
                f.backfillBaseline(), f.backfill() / f.backfillBaseline());
        System.out.printf(Locale.ROOT, "  verify (both stores):                %,10.0f buckets/s%n", f.verify());
        System.out.printf(Locale.ROOT, "  same buckets from KairosDB only:     %,10.0f buckets/s   ratio %.2fx%n",
                f.verifyBaseline(), f.verify() / f.verifyBaseline());
    }

    /** Generates the history, runs both measurements and their baselines, and stops every server it started. */
    public static Figures run(int days, int series, int events) throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LegacyHistoryGenerator.Plan plan = new LegacyHistoryGenerator.Plan(today.minusDays(days + 1L), days, series, 0,
                events, 5L);
        Instant boundary = today.atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(86_400);
        try (ScratchDir dir = ScratchDir.create("statspipe-bench-migration");
             LegacyMongoServer mongo = LegacyMongoServer.inMemory().start();
             MongoClient client = MongoClients.create(mongo.connectionString());
             LocalKairosDb kairos = LocalKairosDb.builder().dataDir(dir.path())
                     .h2().build().start();
             KairosAggregateStore batched = store(kairos.httpUrl(), false);
             KairosAggregateStore single = store(kairos.httpUrl(), true)) {
            MongoDatabase db = client.getDatabase("stats");
            LegacyHistoryGenerator.generate(plan, new LegacyEventWriter(db));
            LegacyHistoryReader reader = new LegacyHistoryReader(db);
            MigrationLedger ledger = new MigrationLedger(new MemoryProgress());

            // Warm-up: a throw-away backfill of the first day, so neither run pays for the server's first requests.
            new Backfill(reader, batched, new MemoryProgress(), new MigrationLedger(new MemoryProgress()),
                    InstantSource.system(), RateLimit.unlimited(), 5_000)
                    .run(plan.firstDay(), plan.firstDay().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), "",
                            p -> { }, () -> false);

            long start = System.nanoTime();
            Backfill.Result result = new Backfill(reader, batched, new MemoryProgress(), ledger, InstantSource.system(),
                    RateLimit.unlimited(), 5_000).run(plan.firstDay(), boundary, "", p -> { }, () -> false);
            double backfill = result.buckets() / seconds(start);
            if (!result.completed()) {
                throw new IllegalStateException("benchmark backfill did not complete");
            }

            // Baseline: the same points, with the same identities, one per request.
            List<Partial> same = new ArrayList<>();
            reader.scan(new DayRange(plan.firstDay(), plan.firstDay().plusDays(days - 1L)), "", "", document -> {
                for (StoredBucket b : document.buckets()) {
                    same.add(new Partial(new PartialId(b.series(), b.aggregate().kind(), b.resolution(), b.bucket(),
                            Backfill.ORIGIN), b.aggregate(), EnumSet.allOf(Aggregation.Type.class)));
                }
            });
            start = System.nanoTime();
            for (Partial p : same) {
                single.write(List.of(p));
            }
            double backfillBaseline = same.size() / seconds(start);

            // Verify until clean first (KairosDB shows writes asynchronously), then time a clean run.
            TimeRange range = ledger.backfillCompleted().orElseThrow().range();
            Verification verification = new Verification(reader, batched, RESOLUTIONS, Set.of(Kind.COUNTER), ledger,
                    InstantSource.system());
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (!verification.verify(range, "", Coverage.allSeries()).clean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("backfilled points not visible in KairosDB after 10 minutes");
                }
                Thread.sleep(100);
            }
            start = System.nanoTime();
            VerificationReport report = verification.verify(range, "", Coverage.allSeries());
            double verify = report.bucketsCompared() / seconds(start);

            // Baseline: the same buckets read from one store only.
            start = System.nanoTime();
            long read = 0;
            for (SeriesKey key : batched.listSeries("", range)) {
                for (Resolution r : RESOLUTIONS) {
                    read += batched.readBuckets(key, r, range).size();
                }
            }
            double verifyBaseline = read / seconds(start);
            if (read != report.bucketsCompared()) {
                throw new IllegalStateException("baseline read " + read + " buckets, verification compared "
                        + report.bucketsCompared());
            }
            return new Figures(result.buckets(), backfill, backfillBaseline, report.bucketsCompared(), verify,
                    verifyBaseline);
        }
    }

    private static KairosAggregateStore store(String url, boolean onePerRequest) {
        KairosStoreConfig config = KairosStoreConfig.of(url).withMapping(KairosMapping.forRules(RuleSet.defaults()));
        return new KairosAggregateStore(onePerRequest ? config.withBatching(1, false) : config);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Progress kept in memory: the benchmark needs no durable positions. */
    private static final class MemoryProgress implements ProgressPort {
        private final Map<String, String> positions = new ConcurrentHashMap<>();

        @Override
        public Optional<String> load(String job) {
            return Optional.ofNullable(positions.get(job));
        }

        @Override
        public void save(String job, String position) {
            positions.put(job, position);
        }
    }
}
