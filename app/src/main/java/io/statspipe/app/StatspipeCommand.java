package io.statspipe.app;

import io.statspipe.adapter.http.TlsConfigurationException;
import io.statspipe.app.cli.DeleteCommand;
import io.statspipe.app.cli.LoadCommand;
import io.statspipe.app.cli.MetricsCommand;
import io.statspipe.app.cli.MigrateCommand;
import io.statspipe.app.cli.QueryCommand;
import io.statspipe.app.cli.RingCommand;
import io.statspipe.app.cli.RulesCommand;
import io.statspipe.app.cli.SendCommand;
import io.statspipe.app.cli.StatusCommand;
import io.statspipe.app.cli.SubmitCommand;
import io.statspipe.app.cli.TokenCommand;
import io.statspipe.app.cli.UpCommand;
import io.statspipe.app.config.ConfigurationException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code statspipe} command line. */
@Command(name = "statspipe", mixinStandardHelpOptions = true, version = "statspipe 0.1.0",
        description = "Exact, cheap stats: StatsD in, pre-aggregated buckets out.",
        subcommands = {UpCommand.class, SendCommand.class, QueryCommand.class, MetricsCommand.class, DeleteCommand.class, LoadCommand.class, StatusCommand.class,
                TokenCommand.class, MigrateCommand.class, SubmitCommand.class, RulesCommand.class, RingCommand.class, io.statspipe.app.ingest.AgentCommand.class})
public final class StatspipeCommand implements Callable<Integer> {
    /** Exit code when the configuration (or a port or engine it names) stops start-up. */
    public static final int CONFIGURATION_ERROR = 3;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new StatspipeCommand());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e;
            while (cause != null && !(cause instanceof ConfigurationException || cause instanceof TlsConfigurationException)) {
                cause = cause.getCause();
            }
            if (cause != null) {
                commandLine.getErr().println("statspipe: configuration error: " + cause.getMessage());
                commandLine.getErr().flush();
                return CONFIGURATION_ERROR;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
