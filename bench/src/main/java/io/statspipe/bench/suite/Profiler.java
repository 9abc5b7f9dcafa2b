package io.statspipe.bench.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of execution samples around one part of the suite (in this JVM: the agent,
 * broker and topology run here; KairosDB, a child JVM, does not), summarised as the hottest
 * methods (top frame of each sample), the hottest statspipe methods (first statspipe frame of
 * each sample, so time spent in the JDK or an engine on statspipe's behalf is charged to the
 * statspipe caller), and the busiest threads.
 */
public final class Profiler {
    private final Path file;
    private Recording recording;

    private Profiler(Path file) {
        this.file = file;
    }

    /** A profiler that records to {@code file}, or does nothing when {@code file} is null. */
    public static Profiler to(Path file) {
        return new Profiler(file);
    }

    public boolean enabled() {
        return file != null;
    }

    public void start() {
        if (file == null) {
            return;
        }
        recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(20));
        recording.enable("jdk.GarbageCollection");
        recording.start();
    }

    public void stop() throws IOException {
        if (recording == null) {
            return;
        }
        recording.stop();
        recording.dump(file);
        recording.close();
        recording = null;
    }

    /** Prints the summary of the recording. */
    public void summarise(PrintStream out, int top) throws IOException {
        if (file == null) {
            return;
        }
        Map<String, Integer> topFrames = new HashMap<>();
        Map<String, Integer> statspipeFrames = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        Map<String, Integer> nativeWaits = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        double gcSeconds = 0;
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("jdk.GarbageCollection")) {
                gcSeconds += e.getDuration("sumOfPauses").toNanos() / 1e9;
                continue;
            }
            if (e.getEventType().getName().equals("jdk.NativeMethodSample")) {
                String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                RecordedStackTrace stack = e.getStackTrace();
                String where = stack == null || stack.getFrames().isEmpty() ? null : statspipeCaller(stack.getFrames());
                if (where != null) { // idle engine threads wait in native too: only statspipe's waits say something
                    nativeWaits.merge(String.valueOf(thread).replaceAll("\\d+", "N") + " <- " + where, 1, Integer::sum);
                    nativeSamples++;
                }
                continue;
            }
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            topFrames.merge(name(frames.get(0)), 1, Integer::sum);
            packages.merge(area(frames), 1, Integer::sum);
            for (RecordedFrame f : frames) {
                if (f.isJavaFrame() && f.getMethod().getType().getName().startsWith("io.statspipe.")) {
                    statspipeFrames.merge(name(f), 1, Integer::sum);
                    break;
                }
            }
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread.replaceAll("\\d+", "N"), 1, Integer::sum);
        }
        out.printf(Locale.ROOT, "%nprofile of the end-to-end run (JFR, %s): %,d execution samples, GC pauses %.1f s%n", file,
                samples, gcSeconds);
        print(out, "by area (first recognised frame from the top)", packages, samples, top);
        print(out, "hottest methods (top frame)", topFrames, samples, top);
        print(out, "hottest statspipe methods (first statspipe frame: self plus JDK/engine calls below it)",
                statspipeFrames, samples, top);
        print(out, "busiest threads (digits folded)", threads, samples, top);
        out.printf(Locale.ROOT, "%nstatspipe code waiting in native code (sockets, disk; sampled every 20 ms), %,d samples: thread <- first statspipe frame%n",
                nativeSamples);
        print(out, "", nativeWaits, nativeSamples, top);
    }

    private static void print(PrintStream out, String title, Map<String, Integer> counts, int samples, int top) {
        if (!title.isEmpty()) {
            out.printf("%n%s%n", title);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(en -> sorted.put(en.getKey(), en.getValue()));
        sorted.forEach((name, n) -> out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * n / samples, name));
    }

    private static String statspipeCaller(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (f.isJavaFrame() && f.getMethod().getType().getName().startsWith("io.statspipe.")) {
                return name(f);
            }
        }
        return null;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** Which part of the system a sample is in: statspipe's own code, or the engine/library around it. */
    private static String area(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (type.startsWith("io.statspipe.")) {
                return "statspipe (" + type.replaceAll("^io\\.statspipe\\.([a-z]+(\\.[a-z]+)?).*", "$1") + ")";
            }
            if (type.startsWith("org.apache.kafka.") || type.startsWith("kafka.")) {
                return "kafka (broker/clients)";
            }
            if (type.startsWith("org.apache.storm.")) {
                return "storm";
            }
            if (type.startsWith("org.apache.http.") || type.startsWith("org.kairosdb.")) {
                return "KairosDB client/HTTP";
            }
        }
        String type = frames.get(frames.size() - 1).getMethod().getType().getName();
        return "other (" + type + ")";
    }
}
