package io.statspipe.bench.suite;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Series;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A workload rendered as StatsD datagrams (about 1,400 bytes each, as a client packs them):
 * counters as {@code name:1|c|#k:v,...}, timings as {@code name:V|ms|#k:v,...}. The lines carry
 * no timestamp, so the agent stamps them with the time it receives them, as it does in
 * production; the workload decides which series and values arrive, in what mix.
 *
 * @param datagrams the datagrams, to be sent in order (and again from the start if more are wanted)
 * @param lines     the lines in all datagrams together
 * @param prefix    prepended to every metric name, so that runs sharing one KairosDB stay apart
 */
public record StatsdLines(List<byte[]> datagrams, long lines, String prefix) {
    private static final int DATAGRAM_BYTES = 1400;
    private static final long START = 1_767_225_600_000L;

    public static StatsdLines render(Workload workload, String prefix, int lines) {
        String[] rendered = new String[workload.seriesCount()];
        Workload.Stream stream = workload.stream(START);
        List<byte[]> out = new ArrayList<>();
        StringBuilder datagram = new StringBuilder(DATAGRAM_BYTES + 200);
        for (int i = 0; i < lines; i++) {
            stream.next();
            int s = stream.seriesIndex();
            if (rendered[s] == null) {
                rendered[s] = nameAndTags(prefix, workload.series(s));
            }
            String line = workload.kindOf(s) == Kind.COUNTER ? ":1|c|#" : ":" + (long) stream.value() + "|ms|#";
            int length = rendered[s].length() + line.length();
            if (datagram.length() > 0 && datagram.length() + 1 + length > DATAGRAM_BYTES) {
                out.add(datagram.toString().getBytes(StandardCharsets.US_ASCII));
                datagram.setLength(0);
            }
            if (datagram.length() > 0) {
                datagram.append('\n');
            }
            int colon = rendered[s].indexOf('|');
            datagram.append(rendered[s], 0, colon).append(line).append(rendered[s], colon + 1, rendered[s].length());
        }
        if (datagram.length() > 0) {
            out.add(datagram.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return new StatsdLines(List.copyOf(out), lines, prefix);
    }

    /** The metric names the workload's series carry in these lines. */
    public static List<String> metrics(Workload workload, String prefix) {
        List<String> names = new ArrayList<>();
        for (int s = 0; s < Math.min(20, workload.seriesCount()); s++) {
            names.add(prefix + workload.series(s).metric());
        }
        return names;
    }

    /** "metric|k:v,k:v": the name, a separator where the value and type go, and the tags. */
    private static String nameAndTags(String prefix, Series series) {
        StringBuilder b = new StringBuilder(prefix).append(series.metric()).append('|');
        boolean first = true;
        for (Map.Entry<String, String> tag : series.tags().asMap().entrySet()) {
            b.append(first ? "" : ",").append(tag.getKey()).append(':').append(tag.getValue());
            first = false;
        }
        return b.toString();
    }
}
