package io.statspipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.statspipe.adapter.kairosdb.KairosDbExtension;
import io.statspipe.adapter.mongo.LegacyEventWriter;
import io.statspipe.adapter.mongo.LegacyHistoryGenerator;
import io.statspipe.adapter.mongo.LegacyMongoExtension;
import io.statspipe.domain.Event;
import io.statspipe.domain.Phase;
import io.statspipe.domain.Series;
import io.statspipe.migration.FilePhaseStore;
import io.statspipe.ports.in.PhaseChange;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code statspipe migrate backfill} and {@code verify} against a real MongoDB-protocol server
 * holding generated legacy history and a real KairosDB server: the backfill copies it, the
 * verification comes out clean and lets the migration advance, and a legacy change afterwards is
 * reported as a difference with exit code 1.
 */
class MigrateBackfillVerifyTest {
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    static final LocalDate FIRST_DAY = TODAY.minusDays(3);

    @RegisterExtension
    static final LegacyMongoExtension MONGO = new LegacyMongoExtension();
    @RegisterExtension
    static final KairosDbExtension KAIROS = KairosDbExtension.onH2();
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        try (MongoClient client = MongoClients.create(MONGO.connectionString())) {
            LegacyHistoryGenerator.generate(new LegacyHistoryGenerator.Plan(FIRST_DAY, 2, 3, 0, 40, 7L),
                    new LegacyEventWriter(client.getDatabase("stats")));
        }
    }

    static CommandLineRun migrate(String... args) {
        List<String> all = new ArrayList<>(List.of("migrate",
                "--set", "statspipe.data-dir=" + dir.resolve("data"),
                "--set", "statspipe.legacy.engine=mongo", "--set", "statspipe.legacy.uri=" + MONGO.connectionString(),
                "--set", "statspipe.store.engine=kairosdb", "--set", "statspipe.store.url=" + KAIROS.httpUrl(),
                "--set", "statspipe.migration.switch-margin=0s", "--set", "statspipe.migration.settle-time=0s"));
        all.addAll(List.of(args));
        return CommandLineTest.run(all.toArray(String[]::new));
    }

    @Test
    void backfillThenACleanVerificationLetReadsMoveAndALaterLegacyChangeIsReported() throws Exception {
        // The switch to dual-write happened yesterday at 00:00: history before it is the backfill's.
        new FilePhaseStore(dir.resolve("data").resolve("migration").resolve("phases")).record(new PhaseChange(
                Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "ops", TODAY.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                "rehearsal"));
        CommandLineRun toBackfill = migrate("advance", "--why", "legacy settled");
        assertThat(toBackfill.exit()).as(toBackfill.err()).isZero();
        CommandLineRun blocked = migrate("advance", "--why", "no backfill yet");
        assertThat(blocked.exit()).isEqualTo(1);
        assertThat(blocked.err()).contains("no backfill has completed");

        CommandLineRun backfill = migrate("backfill", "--from", FIRST_DAY.toString());
        assertThat(backfill.exit()).as(backfill.err()).isZero();
        assertThat(backfill.out()).contains("documents", "buckets written", "completed: 6 documents");

        assertThat(migrate("advance", "--why", "backfilled").exit()).isZero();
        Path report = dir.resolve("clean.json");
        // KairosDB makes writes visible asynchronously: verify until clean, within a deadline.
        CommandLineRun verify = verifyUntilExit(0, report, Duration.ofSeconds(60));
        assertThat(verify.out()).contains("CLEAN", "3 of 3 series");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("clean").asBoolean()).isTrue();
        assertThat(json.path("discrepancies")).isEmpty();

        CommandLineRun sampled = migrate("verify", "--report", dir.resolve("sampled.json").toString(),
                "--sample-confidence", "0.9", "--sample-tolerance", "0.9");
        assertThat(sampled.exit()).as(sampled.err()).isZero();
        assertThat(sampled.out()).contains("1 of 3 series sampled", "less than a 10.0% chance");

        CommandLineRun toNewPrimary = migrate("advance", "--why", "verified clean");
        assertThat(toNewPrimary.exit()).as(toNewPrimary.err()).isZero();
        assertThat(toNewPrimary.out()).contains("advanced to NEW_PRIMARY");

        // One more legacy event inside the verified range: verification must now report it.
        try (MongoClient client = MongoClients.create(MONGO.connectionString())) {
            Series first = new LegacyHistoryGenerator.Plan(FIRST_DAY, 2, 3, 0, 40, 7L).series().get(0);
            new LegacyEventWriter(client.getDatabase("stats")).record(Event.counter(first,
                    FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + 3_600_000L, 1));
        }
        Path dirty = dir.resolve("dirty.json");
        CommandLineRun different = migrate("verify", "--report", dirty.toString());
        assertThat(different.exit()).isEqualTo(1);
        assertThat(different.out()).contains("DIFFERENCES: 2");
        JsonNode dirtyJson = new ObjectMapper().readTree(dirty.toFile());
        assertThat(dirtyJson.path("clean").asBoolean()).isFalse();
        assertThat(dirtyJson.path("discrepancies")).hasSize(2);
    }

    static CommandLineRun verifyUntilExit(int exit, Path report, Duration deadline) {
        AtomicReference<CommandLineRun> last = new AtomicReference<>();
        await().atMost(deadline).pollInSameThread().pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            last.set(migrate("verify", "--report", report.toString()));
            assertThat(last.get().exit()).as(last.get().out() + last.get().err()).isEqualTo(exit);
        });
        return last.get();
    }
}
