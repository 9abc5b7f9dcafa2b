package io.statspipe.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.Series;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SeriesInternerTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsBySliceOfABiggerBuffer() {
        SeriesInterner interner = new SeriesInterner(10);
        byte[] key = bytes("page.views");
        Series views = Series.of("page.views");
        interner.add(key, 0, key.length, SeriesInterner.hash(key, 0, key.length), views);

        byte[] record = bytes("xx-page.views-yy");
        assertThat(interner.find(record, 3, 10, SeriesInterner.hash(record, 3, 10))).isSameAs(views);
        assertThat(interner.find(record, 3, 9, SeriesInterner.hash(record, 3, 9))).isNull();
    }

    @Test
    void equalHashesOfDifferentBytesNeverMix() {
        SeriesInterner interner = new SeriesInterner(100);
        byte[] a = bytes("a");
        byte[] b = bytes("b");
        Series first = Series.of("first");
        Series second = Series.of("second");
        interner.add(a, 0, 1, 7, first);
        interner.add(b, 0, 1, 7, second);

        assertThat(interner.find(a, 0, 1, 7)).isSameAs(first);
        assertThat(interner.find(b, 0, 1, 7)).isSameAs(second);
        assertThat(interner.find(bytes("c"), 0, 1, 7)).isNull();
    }

    @Test
    void growsAndStartsOverWhenFull() {
        SeriesInterner interner = new SeriesInterner(50);
        for (int i = 0; i < 50; i++) {
            byte[] key = bytes("s" + i);
            interner.add(key, 0, key.length, SeriesInterner.hash(key, 0, key.length), Series.of("s" + i));
        }
        for (int i = 0; i < 50; i++) {
            byte[] key = bytes("s" + i);
            assertThat(interner.find(key, 0, key.length, SeriesInterner.hash(key, 0, key.length))).isEqualTo(Series.of("s" + i));
        }
        byte[] extra = bytes("extra");
        interner.add(extra, 0, extra.length, SeriesInterner.hash(extra, 0, extra.length), Series.of("extra"));

        assertThat(interner.size()).isEqualTo(1);
        byte[] old = bytes("s0");
        assertThat(interner.find(old, 0, old.length, SeriesInterner.hash(old, 0, old.length))).isNull();
        assertThat(interner.find(extra, 0, extra.length, SeriesInterner.hash(extra, 0, extra.length))).isEqualTo(Series.of("extra"));
    }
}
