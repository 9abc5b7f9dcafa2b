package io.statspipe.app;

import io.statspipe.domain.Event;
import io.statspipe.domain.Flush;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.domain.Rollup;
import io.statspipe.domain.RollupSettings;
import io.statspipe.domain.RuleSet;
import io.statspipe.domain.Series;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code statspipe} command line. */
@Command(name = "statspipe", mixinStandardHelpOptions = true, version = "statspipe 0.1.0",
        description = "Exact, cheap stats: StatsD in, pre-aggregated buckets out.",
        subcommands = {StatspipeCommand.Up.class, io.statspipe.app.ingest.AgentCommand.class})
public final class StatspipeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StatspipeCommand()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /**
     * Runs the pipeline. Until the engines are wired it runs the rollup on a small sample of
     * events and prints the partials it would write.
     */
    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Run the whole pipeline on this machine (today: a rollup of sample events).")
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            long minute = System.currentTimeMillis() / 60_000 * 60_000;
            Rollup rollup = new Rollup(RuleSet.defaults(), RollupSettings.DEFAULTS);
            for (int i = 0; i < 1000; i++) {
                rollup.accept(Event.counter(Series.of("page.views", "site", "s" + (i % 3)), minute + i, 1));
                rollup.accept(Event.distribution(Series.of("page.latency", "site", "s" + (i % 3)), minute + i, 5 + i % 50));
            }
            Flush flush = rollup.flush(Origin.ofPartition(0, 0, 0));
            out.printf("statspipe: rolled %d events up into %d partials:%n", flush.events(), flush.partials().size());
            for (Partial p : flush.partials()) {
                String value = p.aggregate() instanceof io.statspipe.domain.DistributionAggregate d
                        ? String.format("count=%d p50=%.1f p99=%.1f", d.count(), d.sketch().quantile(0.5), d.sketch().quantile(0.99))
                        : "count=" + p.aggregate().count();
                out.printf("  %-28s %-3s at %d  %s%n", p.id().series(), p.id().resolution(), p.id().slot(), value);
            }
            out.flush();
            return 0;
        }
    }
}
