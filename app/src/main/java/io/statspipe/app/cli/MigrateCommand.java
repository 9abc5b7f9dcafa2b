package io.statspipe.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.statspipe.adapter.http.QueryParameters;
import io.statspipe.app.config.Engines;
import io.statspipe.app.config.Settings;
import io.statspipe.app.wiring.EngineModules;
import io.statspipe.app.wiring.LegacyStore;
import io.statspipe.app.wiring.Stores;
import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Resolution;
import io.statspipe.migration.Backfill;
import io.statspipe.migration.Coverage;
import io.statspipe.migration.Discrepancy;
import io.statspipe.migration.DualWriteBoundary;
import io.statspipe.migration.MigrationLedger;
import io.statspipe.migration.MigrationSettings;
import io.statspipe.migration.RateLimit;
import io.statspipe.migration.Verification;
import io.statspipe.migration.VerificationReport;
import io.statspipe.ports.in.MigrationControlUseCase;
import io.statspipe.ports.in.MigrationStatus;
import io.statspipe.ports.in.PhaseChange;
import io.statspipe.ports.in.TimeRange;
import io.statspipe.ports.out.PhaseStorePort;
import io.statspipe.ports.out.ProgressPort;
import io.statspipe.ports.out.ReadBucketsPort;
import io.statspipe.ports.out.WritePartialsPort;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code statspipe migrate}: the phased move off the legacy MongoDB store (docs/MIGRATION.md). */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Move off the legacy MongoDB store, phase by phase: LEGACY_ONLY -> DUAL_WRITE -> BACKFILL -> "
                + "VERIFY -> NEW_PRIMARY -> NEW_ONLY. Every advance is guarded; every phase before NEW_ONLY can be "
                + "rolled back. The runbook is docs/MIGRATION.md."},
        subcommands = {MigrateCommand.Status.class, MigrateCommand.Advance.class, MigrateCommand.Rollback.class,
                MigrateCommand.BackfillStep.class, MigrateCommand.Verify.class})
public final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    Injector injector() {
        return EngineModules.injector(config.settings());
    }

    /**
     * The legacy store's resolutions (1m, 1h) that the rule writing raw series keeps: the ones
     * backfill copies and verification compares. Says which are left out, and why.
     */
    static List<Resolution> legacyResolutionsKept(Settings settings, PrintWriter out) {
        List<Resolution> legacy = List.of(Resolution.MINUTE, Resolution.HOUR);
        List<Resolution> kept = settings.rollup().rules().underInputName()
                .map(rule -> legacy.stream().filter(l -> rule.resolutions().stream()
                        .anyMatch(r -> r.widthMillis() == l.widthMillis())).toList())
                .orElse(List.of());
        if (kept.size() < legacy.size()) {
            out.printf("the legacy store's %s buckets are left out: no rule in statspipe.rollup.rules writes raw series"
                    + " (output \"{metric}\") at them%n", legacy.stream().filter(l -> !kept.contains(l)).toList());
        }
        return kept;
    }

    static void print(PrintWriter out, MigrationStatus status, Injector injector) {
        out.printf("phase: %s%n", status.phase());
        MigrationSettings ms = injector.getInstance(MigrationSettings.class);
        DualWriteBoundary.of(status.history(), ms).ifPresent(b -> out.printf(
                "dual-write boundary: %s (buckets from here are dual-written; earlier ones come from backfill)%n", b));
        MigrationLedger ledger = injector.getInstance(MigrationLedger.class);
        ledger.backfillCompleted().ifPresent(d -> out.printf("last completed backfill: %s to %s, at %s%n",
                Instant.ofEpochMilli(d.range().from()), Instant.ofEpochMilli(d.range().to()), d.at()));
        ledger.verifiedClean().ifPresent(d -> out.printf("last clean verification: %s to %s, at %s%n",
                Instant.ofEpochMilli(d.range().from()), Instant.ofEpochMilli(d.range().to()), d.at()));
        status.phase().next().ifPresentOrElse(next -> {
            if (status.blockers().isEmpty()) {
                out.printf("next: 'statspipe migrate advance' moves to %s%n", next);
            } else {
                out.printf("advancing to %s is blocked:%n", next);
                status.blockers().forEach(b -> out.printf("  - %s%n", b));
            }
        }, () -> out.println("NEW_ONLY is the final phase: the legacy store is no longer written."));
        if (!status.history().isEmpty()) {
            out.println("history:");
            for (PhaseChange c : status.history()) {
                out.printf("  %s  %s -> %s  by %s: %s%n", c.at(), c.from(), c.to(), c.who(), c.why());
            }
        }
        out.flush();
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the current phase, the dual-write boundary, the last backfill and verification, what "
                    + "blocks the next step, and the history of changes.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Override
        public Integer call() {
            Injector injector = parent.injector();
            print(parent.spec.commandLine().getOut(), injector.getInstance(MigrationControlUseCase.class).status(), injector);
            return 0;
        }
    }

    /** Who and why, recorded with every phase change. */
    /** Runs one phase change and reports it: 0 when done, 1 when a guard or a concurrent change refused it. */
    int changePhase(String step, String done, Reason reason,
                    java.util.function.BiFunction<MigrationControlUseCase, Reason, MigrationStatus> change) {
        Injector injector = injector();
        try {
            MigrationStatus s = change.apply(injector.getInstance(MigrationControlUseCase.class), reason);
            spec.commandLine().getOut().printf("%s %s%n", done, s.phase());
            print(spec.commandLine().getOut(), s, injector);
            return 0;
        } catch (InvalidStatException | IllegalStateException e) {
            spec.commandLine().getErr().println("statspipe migrate " + step + ": " + e.getMessage());
            return 1;
        }
    }

    static final class Reason {
        @Option(names = "--who", description = "Who makes the change (default: $USER).")
        String who = System.getenv().getOrDefault("USER", "operator");

        @Option(names = "--why", required = true, description = "Why: recorded in the phase history.")
        String why;
    }

    @Command(name = "advance", mixinStandardHelpOptions = true,
            description = {"Move to the next phase, if its guard allows:",
                    "  LEGACY_ONLY -> DUAL_WRITE   always; the topology writes both stores from its next flush, and the "
                            + "dual-write boundary is fixed (first full hour after the switch margin).",
                    "  DUAL_WRITE  -> BACKFILL     once the settle time after the boundary has passed (no late event can "
                            + "change legacy buckets before it any more).",
                    "  BACKFILL    -> VERIFY       once a backfill up to the boundary has completed.",
                    "  VERIFY      -> NEW_PRIMARY  once a clean verification, newer than the backfill, covers the whole "
                            + "backfilled range: reads move to the new store.",
                    "  NEW_PRIMARY -> NEW_ONLY     always; the legacy store is no longer written. There is no way back."})
    static final class Advance implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Mixin
        Reason reason = new Reason();

        @Override
        public Integer call() {
            return parent.changePhase("advance", "advanced to", reason,
                    (control, r) -> control.advance(r.who, r.why));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Go back one phase (any phase before NEW_ONLY). Rolling back from NEW_PRIMARY moves reads "
                    + "back to the legacy store; from DUAL_WRITE stops writing the new store. Nothing is deleted: "
                    + "advancing again re-checks every guard."})
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Mixin
        Reason reason = new Reason();

        @Override
        public Integer call() {
            return parent.changePhase("rollback", "rolled back to", reason,
                    (control, r) -> control.rollback(r.who, r.why));
        }
    }

    @Command(name = "backfill", mixinStandardHelpOptions = true,
            description = {"Copy legacy history from --from (a UTC day) up to the dual-write boundary into the new store, "
                    + "with the same idempotent identities: safe to re-run, and resumable (a stopped run continues after "
                    + "the last document it saved). Allowed in phase BACKFILL. Prints progress with an ETA."})
    static final class BackfillStep implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Option(names = "--from", required = true, description = "First UTC day of legacy history, e.g. 2024-01-01.")
        LocalDate from;

        @Option(names = "--metric-prefix", defaultValue = "", description = "Only metrics starting with this.")
        String prefix;

        @Override
        public Integer call() {
            PrintWriter out = parent.spec.commandLine().getOut();
            PrintWriter err = parent.spec.commandLine().getErr();
            Settings settings = parent.config.settings();
            Injector injector = EngineModules.injector(settings);
            PhaseStorePort phases = injector.getInstance(PhaseStorePort.class);
            if (settings.legacy().engine() == Engines.Legacy.NONE) {
                err.println("statspipe migrate backfill: statspipe.legacy.engine = none: there is no legacy store to copy from");
                return 2;
            }
            if (phases.current() != io.statspipe.domain.Phase.BACKFILL) {
                err.println("statspipe migrate backfill: the phase is " + phases.current()
                        + "; backfill runs in phase BACKFILL (see 'statspipe migrate status')");
                return 1;
            }
            Instant boundary = DualWriteBoundary.of(phases.history(), injector.getInstance(MigrationSettings.class)).orElseThrow();
            LegacyStore.Ports legacy = injector.getInstance(LegacyStore.class).ports().orElseThrow();
            WritePartialsPort fresh = injector.getInstance(Key.get(WritePartialsPort.class, Names.named(Stores.NEW)));
            int rate = settings.migration().backfillRate();
            List<Resolution> kept = legacyResolutionsKept(settings, out);
            WritePartialsPort keptOnly = partials -> fresh.write(partials.stream()
                    .filter(p -> kept.stream().anyMatch(r -> r.widthMillis() == p.id().resolution().widthMillis())).toList());
            Backfill backfill = new Backfill(legacy.history(), keptOnly, injector.getInstance(ProgressPort.class),
                    injector.getInstance(MigrationLedger.class), InstantSource.system(),
                    rate == 0 ? RateLimit.unlimited() : new RateLimit(rate, InstantSource.system(), Thread::sleep),
                    settings.migration().backfillBatch());
            AtomicBoolean stop = new AtomicBoolean();
            Thread hook = new Thread(() -> stop.set(true));
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf("backfilling %s to %s%s ...%n", from, boundary, prefix.isEmpty() ? "" : " (metrics " + prefix + "*)");
            Backfill.Result result = backfill.run(from, boundary, prefix, p -> {
                String total = p.estimatedDocuments().isPresent() ? " of ~" + p.estimatedDocuments().getAsLong() : "";
                String eta = p.eta().map(t -> ", ETA " + Duration.between(p.now(), t).toSeconds() + " s").orElse("");
                out.printf("\r  %d%s documents, %d buckets written%s      ", p.documents(), total, p.buckets(), eta);
                out.flush();
            }, stop::get);
            out.println();
            result.skipped().forEach(s -> err.println("  skipped: " + s));
            out.printf("%s: %d documents, %d buckets written, %d skipped%n", result.completed() ? "completed" : "stopped",
                    result.documents(), result.buckets(), result.skipped().size());
            legacy.close();
            return result.completed() ? 0 : 1;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Compare the legacy store and the new store series by series and bucket by bucket over a "
                    + "range, at every resolution both keep. Prints a summary, writes a JSON report, and records a clean "
                    + "result (which 'advance' from VERIFY requires).",
                    "Exit code 0: clean; 1: differences found; 2: could not run."})
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Option(names = "--from", description = "Start (ISO-8601 or epoch ms); default: the completed backfill's start.")
        String from;

        @Option(names = "--to", description = "End (ISO-8601 or epoch ms); default: the completed backfill's end.")
        String to;

        @Option(names = "--metric-prefix", defaultValue = "", description = "Only metrics starting with this.")
        String prefix;

        @Option(names = "--report", description = "JSON report file (default: <data-dir>/migration/verify-<time>.json).")
        Path report;

        @Option(names = "--sample-confidence", description = "Compare a random sample of series instead of all: the "
                + "probability (e.g. 0.95) that the sample contains a differing series if at least --sample-tolerance "
                + "of all series differ. A sampled result never clears the way to NEW_PRIMARY.")
        Double sampleConfidence;

        @Option(names = "--sample-tolerance", defaultValue = "0.01",
                description = "With --sample-confidence: the share of differing series to detect (default ${DEFAULT-VALUE}).")
        double sampleTolerance;

        @Option(names = "--sample-seed", defaultValue = "1", description = "With --sample-confidence: the sample's seed.")
        long sampleSeed;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            PrintWriter err = parent.spec.commandLine().getErr();
            Settings settings = parent.config.settings();
            if (settings.legacy().engine() == Engines.Legacy.NONE) {
                err.println("statspipe migrate verify: statspipe.legacy.engine = none: there is no legacy store to compare with");
                return 2;
            }
            Injector injector = EngineModules.injector(settings);
            MigrationLedger ledger = injector.getInstance(MigrationLedger.class);
            Instant now = Instant.now();
            TimeRange range;
            if (from == null || to == null) {
                var done = ledger.backfillCompleted();
                if (done.isEmpty()) {
                    err.println("statspipe migrate verify: no completed backfill to take the range from: give --from and --to");
                    return 2;
                }
                range = done.get().range();
            } else {
                range = new TimeRange(QueryParameters.instant("--from", from, now), QueryParameters.instant("--to", to, now));
            }
            LegacyStore.Ports legacy = injector.getInstance(LegacyStore.class).ports().orElseThrow();
            ReadBucketsPort fresh = injector.getInstance(Key.get(ReadBucketsPort.class, Names.named(Stores.NEW)));
            VerificationReport r = new Verification(legacy.reads(), fresh, legacyResolutionsKept(settings, out),
                    java.util.Set.of(io.statspipe.domain.Kind.COUNTER, io.statspipe.domain.Kind.DISTRIBUTION),
                    ledger, InstantSource.system()).verify(range, prefix, sampleConfidence == null ? Coverage.allSeries()
                    : Coverage.sample(sampleConfidence, sampleTolerance, sampleSeed));
            Path file = report != null ? report : settings.dataDir().resolve("migration")
                    .resolve("verify-" + now.toString().replace(':', '-') + ".json");
            Files.createDirectories(file.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json(r));
            out.printf("verified %s to %s: %d of %d series, %d buckets compared (%s)%n", Instant.ofEpochMilli(range.from()),
                    Instant.ofEpochMilli(range.to()), r.seriesCompared(), r.seriesTotal(), r.bucketsCompared(), r.coverage());
            if (r.clean()) {
                out.println("CLEAN: both stores hold the same counts");
            } else {
                out.printf("DIFFERENCES: %d%n", r.discrepancies().size());
                r.discrepancies().stream().limit(20).forEach(d -> out.println("  " + d.describe()));
                if (r.discrepancies().size() > 20) {
                    out.printf("  ... and %d more in the report%n", r.discrepancies().size() - 20);
                }
            }
            out.printf("report: %s%n", file.toAbsolutePath());
            out.flush();
            legacy.close();
            return r.exitCode();
        }

        private static Map<String, Object> json(VerificationReport r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", Instant.ofEpochMilli(r.range().from()).toString());
            m.put("to", Instant.ofEpochMilli(r.range().to()).toString());
            m.put("metricPrefix", r.metricPrefix());
            m.put("clean", r.clean());
            m.put("seriesTotal", r.seriesTotal());
            m.put("seriesCompared", r.seriesCompared());
            m.put("bucketsCompared", r.bucketsCompared());
            m.put("coverage", r.coverage());
            List<Map<String, Object>> ds = new ArrayList<>();
            for (Discrepancy d : r.discrepancies()) {
                Map<String, Object> dm = new LinkedHashMap<>();
                dm.put("type", d.getClass().getSimpleName());
                dm.put("series", d.series().series().toString());
                dm.put("kind", d.series().kind().name());
                dm.put("description", d.describe());
                ds.add(dm);
            }
            m.put("discrepancies", ds);
            return m;
        }
    }
}
