package io.statspipe.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BucketTest {
    private static final long MINUTE = 60_000L;

    @Test
    void aBucketIncludesItsStartAndExcludesItsEnd() {
        Bucket b = Bucket.of(5 * MINUTE, MINUTE);

        assertThat(b).isEqualTo(new Bucket(5 * MINUTE, MINUTE));
        assertThat(b.contains(5 * MINUTE)).isTrue();
        assertThat(b.contains(6 * MINUTE - 1)).isTrue();
        assertThat(b.contains(6 * MINUTE)).isFalse();
        assertThat(Bucket.of(6 * MINUTE - 1, MINUTE)).isEqualTo(b);
        assertThat(Bucket.of(6 * MINUTE, MINUTE)).isEqualTo(b.next());
    }

    @Test
    void timestampsBefore1970RoundDownToTheEarlierBucket() {
        assertThat(Bucket.of(-1, MINUTE)).isEqualTo(new Bucket(-MINUTE, MINUTE));
        assertThat(Bucket.of(-MINUTE, MINUTE)).isEqualTo(new Bucket(-MINUTE, MINUTE));
        assertThat(Bucket.of(-MINUTE - 1, MINUTE).start()).isEqualTo(-2 * MINUTE);
    }

    @Test
    void farFutureTimestampsBucketUntilTheEndWouldOverflow() {
        Bucket last = Bucket.of(Limits.MAX_TIMESTAMP, Resolution.HOUR.widthMillis());
        assertThat(last.contains(Limits.MAX_TIMESTAMP)).isTrue();
        assertThat(last.end()).isGreaterThan(Limits.MAX_TIMESTAMP);

        assertThatThrownBy(() -> Bucket.of(Long.MAX_VALUE, MINUTE))
                .hasMessageContaining("would end past the last representable millisecond");
    }

    @Test
    void everyTimestampFallsInExactlyOneBucketThatContainsIt() {
        qt().forAll(longs().between(-1L << 50, 1L << 50), integers().between(0, 4)).checkAssert((ts, r) -> {
            long width = new long[] {1000, 10_000, 60_000, 3_600_000, 86_400_000}[r];
            Bucket b = Bucket.of(ts, width);
            assertThat(b.contains(ts)).isTrue();
            assertThat(b.start() % width).isZero();
            assertThat(b.next().contains(ts)).isFalse();
            assertThat(new Bucket(b.start() - width, width).contains(ts)).isFalse();
        });
    }

    @Test
    void misalignedBucketsAndBadResolutionsAreRefused() {
        assertThatThrownBy(() -> new Bucket(1, MINUTE)).hasMessage("bucket start 1 is not aligned to its width 60000");
        assertThatThrownBy(() -> new Resolution("7s", 7000, Duration.ofDays(1)))
                .hasMessage("resolution width 7000 ms must be at least 1 s and divide a day exactly");
        assertThatThrownBy(() -> Resolution.parse("1m:30s"))
                .hasMessage("retention PT30S of resolution 1m must be at least one bucket wide");
        assertThatThrownBy(() -> Resolution.parse("1w")).hasMessage("'1w' in resolution '1w' must be a number followed by s, m, h or d");
        assertThat(Resolution.parse("5m:30d")).isEqualTo(new Resolution("5m", 300_000, Duration.ofDays(30)));
        assertThat(Resolution.parse("1m").retention()).isEqualTo(Duration.ofDays(90));
    }
}
