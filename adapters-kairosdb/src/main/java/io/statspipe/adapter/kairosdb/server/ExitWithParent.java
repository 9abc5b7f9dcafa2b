package io.statspipe.adapter.kairosdb.server;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The main class of every server JVM statspipe starts: it runs the real main class given as first
 * argument, and exits as soon as its parent is gone.
 *
 * <p>The parent keeps the child's standard input open and never writes to it. When the parent
 * dies, however it dies (SIGKILL included, where no shutdown hook runs), the operating system
 * closes the pipe and the read here returns end-of-file: the server then shuts down instead of
 * lingering as an orphan that holds ports and data folders.
 */
public final class ExitWithParent {
    /** How long the server's own shutdown hooks may take before the JVM is halted. */
    private static final long SHUTDOWN_GRACE_MILLIS = 15_000;

    private ExitWithParent() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ExitWithParent <main class> [arguments...]");
        }
        Thread watch = new Thread(ExitWithParent::exitWhenStdinCloses, "exit-with-parent");
        watch.setDaemon(true);
        watch.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void exitWhenStdinCloses() {
        try (InputStream in = System.in) {
            byte[] buffer = new byte[64];
            while (in.read(buffer) >= 0) {
                // the parent never writes; anything read is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same as end-of-file: the parent is gone
        }
        System.err.println("statspipe: parent process gone, shutting down");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(SHUTDOWN_GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(1);
        }, "exit-with-parent-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(0);
    }
}
