package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.kafka.KafkaDeadLetters;
import io.statspipe.adapter.kafka.KafkaTopics;
import io.statspipe.adapter.kafka.ProtobufEventBatchFormat;
import io.statspipe.adapter.kafka.TopicLayout;
import io.statspipe.adapter.kafka.migration.KafkaPhaseStore;
import io.statspipe.adapter.kafka.migration.KafkaProgress;
import io.statspipe.adapter.kairosdb.KairosAggregateStore;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.kairosdb.KairosMapping;
import io.statspipe.adapter.kairosdb.KairosStoreConfig;
import io.statspipe.adapter.mongo.LegacyEventWriter;
import io.statspipe.adapter.mongo.LegacyHistoryGenerator;
import io.statspipe.adapter.mongo.LegacyHistoryReader;
import io.statspipe.adapter.mongo.LegacyMongoExtension;
import io.statspipe.adapter.mongo.LegacyPartialWriter;
import io.statspipe.adapter.mongo.LegacyQueries;
import io.statspipe.adapter.mongo.LegacySchema;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.adapter.storm.LocalTopologyRunner;
import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.adapter.storm.TopologySettings;
import io.statspipe.app.cli.CommandLineRun;
import io.statspipe.domain.Aggregation;
import io.statspipe.domain.Event;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Kind;
import io.statspipe.domain.Phase;
import io.statspipe.domain.Resolution;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import io.statspipe.migration.Backfill;
import io.statspipe.migration.Coverage;
import io.statspipe.migration.DualWriteBoundary;
import io.statspipe.migration.DualWriteStore;
import io.statspipe.migration.MigrationControl;
import io.statspipe.migration.MigrationLedger;
import io.statspipe.migration.MigrationSettings;
import io.statspipe.migration.PhaseRoutedQueries;
import io.statspipe.migration.RateLimit;
import io.statspipe.migration.Verification;
import io.statspipe.migration.VerificationReport;
import io.statspipe.ports.in.Point;
import io.statspipe.ports.in.SeriesResult;
import io.statspipe.ports.in.StatsQuery;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.QueryAggregatesPort;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole migration against real engines: legacy history written by the old per-event writer,
 * live traffic through the broker and the topology writing both stores in {@code DUAL_WRITE},
 * a backfill killed and resumed, a clean verification, and the phases up to {@code NEW_ONLY}. A
 * query answers the same numbers while the legacy store is primary and after reads moved.
 */
class MigrationEndToEndTest {
    static final int PARTITIONS = 2;
    static final long HOUR = 3_600_000L;
    static final List<Resolution> RESOLUTIONS = List.of(Resolution.MINUTE, Resolution.HOUR);
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    /** Three days of history, ending at yesterday 00:00: always before the dual-write boundary. */
    static final LegacyHistoryGenerator.Plan HISTORY = new LegacyHistoryGenerator.Plan(TODAY.minusDays(4), 3, 4, 0, 30, 11L);
    static final MigrationSettings MIGRATION = new MigrationSettings(Duration.ofMinutes(5), Duration.ofMinutes(10));

    @RegisterExtension
    static final LegacyMongoExtension MONGO = new LegacyMongoExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static MongoClient client;
    static LocalTopologyRunner topology;
    static KairosAggregateStore kairosStore;
    static LegacyHistoryGenerator.Summary history;

    @BeforeAll
    static void start() throws Exception {
        client = MongoClients.create(MONGO.connectionString());
        history = LegacyHistoryGenerator.generate(HISTORY, new LegacyEventWriter(client.getDatabase("stats")));
        kairosStore = new KairosAggregateStore(KairosStoreConfig.of(KAIROS.httpUrl())
                .withMapping(KairosMapping.forRules(RuleSet.defaults())));
        TopicLayout.of(PARTITIONS, 1).ensureExists(KAFKA.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        if (topology != null) {
            topology.close();
        }
        if (kairosStore != null) {
            kairosStore.close();
        }
        if (client != null) {
            client.close();
        }
    }

    /** The topology's plugs as the app wires them with a legacy store: DualWriteStore over MongoDB and KairosDB. */
    static TopologyPlugs dualWritePlugs(String mongoUri, String kairosUrl, String bootstrapServers, long marginMs, long settleMs) {
        return new TopologyPlugs(RuleSet::defaults, ProtobufEventBatchFormat::new,
                () -> new DualWriteStore(new LegacyPartialWriter(MongoClients.create(mongoUri).getDatabase("stats")),
                        new KairosAggregateStore(KairosStoreConfig.of(kairosUrl).withMapping(KairosMapping.forRules(RuleSet.defaults()))),
                        new KafkaPhaseStore(bootstrapServers, Map.of()),
                        new MigrationSettings(Duration.ofMillis(marginMs), Duration.ofMillis(settleMs))),
                DurabilityCheck::writeIsDurable, KafkaDeadLetters::new,
                KafkaTopics::ensureCompacted);
    }

    @Test
    void legacyHistoryAndLiveTrafficMigrateAndQueriesAnswerTheSameBeforeAndAfterTheCutOver() throws Exception {
        long now = System.currentTimeMillis();
        long currentHour = Math.floorDiv(now, HOUR) * HOUR;
        // The operator switched to dual-write two hours ago: the boundary is the next full hour after the margin.
        AtomicReference<Instant> clockTime = new AtomicReference<>(Instant.ofEpochMilli(currentHour - 2 * HOUR));
        InstantSource clock = clockTime::get;
        // The pipeline's phase and progress, in the event log as the wiring keeps them with a Kafka cluster.
        KafkaPhaseStore phases = new KafkaPhaseStore(KAFKA.bootstrapServers(), Map.of());
        KafkaProgress progress = new KafkaProgress(KAFKA.bootstrapServers(), Map.of());
        MigrationLedger ledger = new MigrationLedger(progress);
        MigrationControl control = new MigrationControl(phases, ledger, MIGRATION, clock);
        control.advance("ops", "start dual-write");
        assertThat(phases.current()).isEqualTo(Phase.DUAL_WRITE);
        // 'statspipe migrate' on another host, with a data folder of its own, sees the same phase.
        CommandLineRun elsewhere = migrateElsewhere("status");
        assertThat(elsewhere.exit()).as(elsewhere.err()).isZero();
        assertThat(elsewhere.out()).contains("phase: DUAL_WRITE");
        Instant boundary = DualWriteBoundary.of(phases.history(), MIGRATION).orElseThrow();
        assertThat(boundary.toEpochMilli()).isEqualTo(currentHour - HOUR);

        // Live traffic through the new pipeline, all of it after the boundary.
        TopologySettings settings = TopologySettings.defaults(KAFKA.bootstrapServers()).withName("migration-e2e")
                .withFlushInterval(Duration.ofSeconds(1)).withCoarseFlushInterval(Duration.ofSeconds(3));
        topology = LocalTopologyRunner.start(settings, dualWritePlugs(MONGO.connectionString(), KAIROS.httpUrl(),
                KAFKA.bootstrapServers(), MIGRATION.switchMargin().toMillis(), MIGRATION.settleTime().toMillis()),
                dir.resolve("storm"));
        List<Series> series = HISTORY.series();
        long liveCounts = 0;
        Random random = new Random(3);
        long liveFrom = now - 40 * 60_000L;
        try (TestEvents events = new TestEvents(KAFKA.bootstrapServers(), settings.eventsTopic(), PARTITIONS, "agent-m")) {
            for (int b = 0; b < 40; b++) {
                List<Event> batch = new ArrayList<>();
                for (int e = 0; e < 25; e++) {
                    int increment = 1 + random.nextInt(3);
                    liveCounts += increment;
                    batch.add(Event.counter(series.get(random.nextInt(series.size())),
                            liveFrom + b * 60_000L + random.nextInt(60_000), increment));
                }
                events.send(batch, RuleSet.defaults());
            }
            events.flush();
        }
        long expectedTotal = history.counts() + liveCounts;
        TimeRange everything = new TimeRange(HISTORY.firstDay().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
                currentHour + 2 * HOUR);
        LegacyQueries legacyQueries = new LegacyQueries(client.getDatabase("stats"));
        TimeRange live = new TimeRange(boundary.toEpochMilli(), everything.to());
        // Both stores hold every live count (KairosDB shows writes asynchronously: poll to a deadline).
        awaitTotal(legacyQueries, live, liveCounts, Duration.ofSeconds(60));
        awaitTotal(kairosStore, live, liveCounts, Duration.ofSeconds(60));

        // DUAL_WRITE -> BACKFILL once the legacy store settled.
        clockTime.set(Instant.ofEpochMilli(now));
        control.advance("ops", "legacy settled");
        assertThat(phases.current()).isEqualTo(Phase.BACKFILL);
        assertThatThrownBy(() -> control.advance("ops", "too early"))
                .isInstanceOf(InvalidStatException.class).hasMessageContaining("no backfill has completed");

        // Backfill, killed after every 3 documents and resumed until it completes.
        MongoDatabase db = client.getDatabase("stats");
        LegacyHistoryReader reader = new LegacyHistoryReader(db);
        Backfill backfill = new Backfill(reader, kairosStore, progress, ledger, clock,
                RateLimit.unlimited(), 1);
        List<Backfill.Result> runs = new ArrayList<>();
        while (runs.isEmpty() || !runs.get(runs.size() - 1).completed()) {
            assertThat(runs).as("backfill runs").hasSizeLessThan(10);
            AtomicInteger asked = new AtomicInteger();
            runs.add(backfill.run(HISTORY.firstDay(), boundary, "", p -> { }, () -> asked.incrementAndGet() > 3));
        }
        // The backfill scans whole legacy days up to the boundary's: the history, and live documents of that day.
        LocalDate lastDay = LocalDate.ofInstant(boundary.minusMillis(1), ZoneOffset.UTC);
        List<String> ids = new ArrayList<>();
        db.getCollection(LegacySchema.COLLECTION).find(Filters.and(
                        Filters.gte(LegacySchema.DAY, HISTORY.firstDay().toString()), Filters.lte(LegacySchema.DAY, lastDay.toString())))
                .forEach(d -> ids.add(d.getString(LegacySchema.ID)));
        long documents = ids.size();
        // Each stop loses nothing and counts no document twice: every document is done by exactly one run.
        assertThat(runs).hasSize((int) ((documents + 2) / 3)).hasSizeGreaterThanOrEqualTo(4);
        assertThat(runs.subList(0, runs.size() - 1)).allSatisfy(r -> {
            assertThat(r.completed()).isFalse();
            assertThat(r.documents()).isEqualTo(3);
        });
        assertThat(runs.stream().mapToLong(Backfill.Result::documents).sum()).isEqualTo(documents);
        assertThat(runs).allSatisfy(r -> assertThat(r.skipped()).isEmpty());

        clockTime.set(Instant.ofEpochMilli(now + 60_000L));
        control.advance("ops", "backfilled");
        assertThat(phases.current()).isEqualTo(Phase.VERIFY);
        // An advance with no verification is refused, saying what is missing.
        assertThatThrownBy(() -> control.advance("ops", "unverified"))
                .isInstanceOf(InvalidStatException.class)
                .hasMessageContaining("cannot advance from VERIFY to NEW_PRIMARY")
                .hasMessageContaining("no clean verification yet");
        assertThat(phases.current()).isEqualTo(Phase.VERIFY);

        // Before the cut-over the legacy store answers.
        PhaseRoutedQueries queries = new PhaseRoutedQueries(legacyQueries, kairosStore, phases, false, d -> { });
        assertThat(phases.current().primary()).isEqualTo(Phase.Store.LEGACY);
        Map<String, Long> before = answers(queries, everything);
        assertThat(before.values().stream().filter(k -> k >= 0).count()).isPositive();
        assertThat(total(queries, everything, Resolution.MINUTE)).isEqualTo(expectedTotal);
        assertThat(total(queries, everything, Resolution.HOUR)).isEqualTo(expectedTotal);

        // Verify the backfilled range until clean (KairosDB shows writes asynchronously).
        clockTime.set(Instant.ofEpochMilli(now + 120_000L));
        TimeRange backfilled = ledger.backfillCompleted().orElseThrow().range();
        Verification verification = new Verification(reader, kairosStore, RESOLUTIONS, Set.of(Kind.COUNTER), ledger, clock);
        AtomicReference<VerificationReport> verified = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            verified.set(verification.verify(backfilled, "", Coverage.allSeries()));
            assertThat(verified.get().discrepancies()).isEmpty();
        });
        VerificationReport report = verified.get();
        assertThat(report.seriesCompared()).isEqualTo(HISTORY.counterSeries());
        assertThat(report.seriesTotal()).isEqualTo(HISTORY.counterSeries());

        control.advance("ops", "verified clean");
        assertThat(phases.current()).isEqualTo(Phase.NEW_PRIMARY);
        // The last step taken by 'statspipe migrate' on the other host: the pipeline's store sees it.
        CommandLineRun retired = migrateElsewhere("advance", "--who", "ops", "--why", "legacy retired");
        assertThat(retired.exit()).as(retired.err()).isZero();
        assertThat(retired.out()).contains("advanced to NEW_ONLY");
        assertThat(phases.current()).isEqualTo(Phase.NEW_ONLY);
        assertThat(phases.current().primary()).isEqualTo(Phase.Store.NEW);

        // After the cut-over the new store answers the same numbers, for every series, resolution and range.
        assertThat(answers(queries, everything)).isEqualTo(before);
        TimeRange acrossTheBoundary = new TimeRange(boundary.toEpochMilli() - 26 * HOUR, boundary.toEpochMilli() + HOUR);
        assertThat(answers(queries, acrossTheBoundary)).isEqualTo(answers(legacyQueries, acrossTheBoundary));
        assertThat(total(queries, everything, Resolution.MINUTE)).isEqualTo(expectedTotal);
        assertThat(total(queries, everything, Resolution.HOUR)).isEqualTo(expectedTotal);
    }

    /** {@code statspipe migrate} as run on another host: its own data folder, the same Kafka cluster and stores. */
    static CommandLineRun migrateElsewhere(String... args) {
        List<String> all = new ArrayList<>(List.of("migrate",
                "--set", "statspipe.data-dir=" + dir.resolve("operator-host"),
                "--set", "statspipe.event-log.engine=kafka", "--set", "statspipe.event-log.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--set", "statspipe.legacy.engine=mongo", "--set", "statspipe.legacy.uri=" + MONGO.connectionString(),
                "--set", "statspipe.store.engine=kairosdb", "--set", "statspipe.store.url=" + KAIROS.httpUrl(),
                "--set", "statspipe.migration.switch-margin=0s", "--set", "statspipe.migration.settle-time=0s"));
        all.addAll(List.of(args));
        return CommandLineRun.of(all.toArray(String[]::new));
    }

    /** Every point of every counter metric, per site, resolution and bucket. */
    static Map<String, Long> answers(QueryAggregatesPort queries, TimeRange range) {
        Map<String, Long> out = new TreeMap<>();
        for (String metric : metrics()) {
            for (Resolution resolution : RESOLUTIONS) {
                for (SeriesResult result : queries.query(StatsQuery.of(metric, Kind.COUNTER, range, resolution,
                        Aggregation.COUNT).groupedBy("site"))) {
                    for (Point p : result.points()) {
                        out.put(metric + result.group() + "/" + resolution + "/" + p.bucketStart(), (long) p.value());
                    }
                }
            }
        }
        return out;
    }

    static long total(QueryAggregatesPort queries, TimeRange range, Resolution resolution) {
        long sum = 0;
        for (String metric : metrics()) {
            for (SeriesResult result : queries.query(StatsQuery.of(metric, Kind.COUNTER, range, resolution,
                    Aggregation.COUNT).groupedBy("site"))) {
                for (Point p : result.points()) {
                    sum += (long) p.value();
                }
            }
        }
        return sum;
    }

    static List<String> metrics() {
        return HISTORY.series().stream().map(Series::metric).distinct().sorted().toList();
    }

    /** Both resolutions: hours are written on their own cadence, after the minutes. */
    static void awaitTotal(QueryAggregatesPort queries, TimeRange range, long expected, Duration within) {
        for (Resolution resolution : RESOLUTIONS) {
            await().atMost(within).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                    total(queries, range, resolution)).as("counts stored since the boundary at %s", resolution).isEqualTo(expected));
        }
    }
}
