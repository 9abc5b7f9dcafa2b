package io.statspipe.app.cli;

import io.statspipe.app.StatspipeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the {@code statspipe} command line in-process: its exit code and what it printed. */
public record CommandLineRun(int exit, String out, String err) {

    public static CommandLineRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = StatspipeCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new CommandLineRun(exit, out.toString(), err.toString());
    }
}
