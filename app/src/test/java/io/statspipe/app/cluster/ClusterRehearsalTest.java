package io.statspipe.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.Kind;
import io.statspipe.domain.Resolution;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rehearsal's comparison must fail on every kind of difference, or its PASS would mean nothing. */
class ClusterRehearsalTest {
    private static final long T = 1_764_151_230_000L; // 2025-11-26T10:00:30Z

    @TempDir
    Path dir;

    private static ClusterRehearsal.Expected produced() {
        ClusterRehearsal.Expected expected = new ClusterRehearsal.Expected();
        expected.add(Kind.COUNTER, ClusterRehearsal.COUNTER_METRIC, "s1", T, 3, 3);
        expected.add(Kind.COUNTER, ClusterRehearsal.COUNTER_METRIC, "s1", T + 60_000, 2, 2);
        expected.add(Kind.DISTRIBUTION, ClusterRehearsal.TIMER_METRIC, "s2", T, 1, 250);
        expected.add(Kind.DISTRIBUTION, ClusterRehearsal.TIMER_METRIC, "s2", T + 1, 1, 750);
        return expected;
    }

    private static Map<String, long[]> copy(Map<String, long[]> buckets) {
        Map<String, long[]> copy = new HashMap<>();
        buckets.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    private static String minuteKey(Kind kind, String metric, String series, long timestamp) {
        return ClusterRehearsal.Expected.key(kind, metric, series, Resolution.MINUTE,
                Resolution.MINUTE.bucketOf(timestamp).start());
    }

    private record Outcome(boolean pass, String text) {
    }

    private static Outcome compare(Map<String, long[]> want, Map<String, long[]> got) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean pass = ClusterRehearsal.Verify.summary(want, got, Duration.ZERO, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Outcome(pass, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void expectedFiguresAddUpPerBucketAndSurviveTheFile() throws Exception {
        ClusterRehearsal.Expected expected = produced();
        Path file = dir.resolve("expected.tsv");
        expected.write(file);
        Map<String, long[]> read = ClusterRehearsal.Expected.read(file).buckets();

        assertThat(read).hasSize(expected.buckets().size());
        assertThat(read.get(minuteKey(Kind.DISTRIBUTION, ClusterRehearsal.TIMER_METRIC, "s2", T))).containsExactly(2, 1000);
        String hour = ClusterRehearsal.Expected.key(Kind.COUNTER, ClusterRehearsal.COUNTER_METRIC, "s1", Resolution.HOUR,
                Resolution.HOUR.bucketOf(T).start());
        // T is 30 s into its hour: both counter events fall into one hour bucket, two minute buckets
        assertThat(read.get(hour)).containsExactly(5, 5);
        assertThat(read.get(minuteKey(Kind.COUNTER, ClusterRehearsal.COUNTER_METRIC, "s1", T + 60_000))).containsExactly(2, 2);
    }

    @Test
    void identicalFiguresPass() {
        Map<String, long[]> want = produced().buckets();
        Outcome outcome = compare(want, copy(want));
        assertThat(outcome.pass()).isTrue();
        assertThat(outcome.text()).contains("buckets short 0 (lost 0), over 0 (counted twice 0), missing 0, unexpected 0", "PASS");
    }

    @Test
    void aBucketShortByOneFails() {
        Map<String, long[]> want = produced().buckets();
        Map<String, long[]> got = copy(want);
        got.get(minuteKey(Kind.COUNTER, ClusterRehearsal.COUNTER_METRIC, "s1", T))[0] -= 1;
        got.get(minuteKey(Kind.COUNTER, ClusterRehearsal.COUNTER_METRIC, "s1", T))[1] -= 1;
        Outcome outcome = compare(want, got);
        assertThat(outcome.pass()).isFalse();
        assertThat(outcome.text()).contains("buckets short 1 (lost 1)", "MISMATCH", "FAIL");
    }

    @Test
    void aSampleCountedTwiceFails() {
        Map<String, long[]> want = produced().buckets();
        Map<String, long[]> got = copy(want);
        long[] figures = got.get(minuteKey(Kind.DISTRIBUTION, ClusterRehearsal.TIMER_METRIC, "s2", T));
        figures[0] += 1;
        figures[1] += 750;
        Outcome outcome = compare(want, got);
        assertThat(outcome.pass()).isFalse();
        assertThat(outcome.text()).contains("over 1 (counted twice 1)", "FAIL");
    }

    @Test
    void aSumOffWithTheRightCountFails() {
        Map<String, long[]> want = produced().buckets();
        Map<String, long[]> got = copy(want);
        got.get(minuteKey(Kind.DISTRIBUTION, ClusterRehearsal.TIMER_METRIC, "s2", T))[1] += 1;
        assertThat(compare(want, got).pass()).isFalse();
    }

    @Test
    void aMissingOrUnexpectedBucketFails() {
        Map<String, long[]> want = produced().buckets();
        Map<String, long[]> missing = copy(want);
        missing.remove(minuteKey(Kind.COUNTER, ClusterRehearsal.COUNTER_METRIC, "s1", T + 60_000));
        Outcome lost = compare(want, missing);
        assertThat(lost.pass()).isFalse();
        assertThat(lost.text()).contains("missing 1", "not stored");

        Map<String, long[]> extra = copy(want);
        extra.put(minuteKey(Kind.COUNTER, ClusterRehearsal.COUNTER_METRIC, "s9", T), new long[] {1, 1});
        Outcome unexpected = compare(want, extra);
        assertThat(unexpected.pass()).isFalse();
        assertThat(unexpected.text()).contains("unexpected 1", "never produced");
    }
}
