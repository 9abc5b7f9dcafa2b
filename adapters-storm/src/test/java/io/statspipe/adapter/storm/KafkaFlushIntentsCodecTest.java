package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Origin;
import io.statspipe.domain.Series;
import io.statspipe.ports.out.FlushIntent;
import io.statspipe.ports.out.FlushIntent.CoarseRange;
import io.statspipe.ports.out.FlushIntentPort.IntentState;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KafkaFlushIntentsCodecTest {
    private static final TreeMap<String, String> COUNTING = new TreeMap<>(Map.of("horizon", "PT6H", "rule.raw", "x"));

    @Test
    void anIntentReadsBackExactlyAsItWasRecorded() {
        IntentState first = new IntentState(new FlushIntent(Origin.ofPartition(3, 0, 0), 17, Long.MIN_VALUE, Map.of(),
                new CoarseRange(0, Long.MIN_VALUE, Map.of(), false), COUNTING), false);
        IntentState later = new IntentState(new FlushIntent(Origin.ofPartition(11, 4_242, 90_000), 90_512,
                1_700_000_061_000L, Map.of("agent-1", 77L, "host.b_2", 3L),
                new CoarseRange(80_000, 1_700_000_001_000L, Map.of("agent-1", 70L), true), COUNTING), true);
        IntentState coarseOnly = new IntentState(new FlushIntent(Origin.ofPartition(1, 9, 501), 500, 5L, Map.of(),
                new CoarseRange(400, 4L, Map.of(), true), COUNTING), false);

        assertThat(KafkaFlushIntents.decode(KafkaFlushIntents.encode(first))).isEqualTo(first);
        assertThat(KafkaFlushIntents.decode(KafkaFlushIntents.encode(later))).isEqualTo(later);
        assertThat(KafkaFlushIntents.decode(KafkaFlushIntents.encode(coarseOnly))).isEqualTo(coarseOnly);
        assertThat(KafkaFlushIntents.encode(later)).startsWith("{\"v\":3,\"state\":\"completed\",\"stream\":\"p11\"");
    }

    @Test
    void gaugeLevelsReadBackBitForBit() {
        Map<Series, Double> levels = Map.of(Series.of("queue.depth", "queue", "mail"), 0.1 + 0.2,
                Series.of("conns"), -0.0, Series.of("big", "a", "1", "b", "2"), -1e18);
        IntentState intent = new IntentState(new FlushIntent(Origin.ofPartition(2, 5, 60), 70, 9L, Map.of(), levels,
                new CoarseRange(40, 8L, Map.of(), Map.of(Series.of("conns"), 4.5), false), COUNTING), false);

        IntentState read = KafkaFlushIntents.decode(KafkaFlushIntents.encode(intent));

        assertThat(read).isEqualTo(intent);
        assertThat(Double.doubleToRawLongBits(read.intent().levelsAtStart().get(Series.of("conns"))))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void aVersionTwoRecordBeganWithEveryGaugeLevelAtZero() {
        IntentState read = KafkaFlushIntents.decode("{\"v\":2,\"state\":\"begun\",\"stream\":\"p1\",\"seq\":3,"
                + "\"first\":10,\"last\":12,\"wm\":5,\"producers\":{\"a\":1},\"coarse\":{\"first\":10,\"wm\":5,"
                + "\"producers\":{\"a\":1},\"cut\":true},\"counting\":{\"horizon\":\"PT6H\"}}");

        assertThat(read.intent()).isEqualTo(new FlushIntent(Origin.ofPartition(1, 3, 10), 12, 5L, Map.of("a", 1L),
                new CoarseRange(10, 5L, Map.of("a", 1L), true), new TreeMap<>(Map.of("horizon", "PT6H"))));
    }

    @Test
    void aVersionThreeRecordWithoutItsLevelsIsRefused() {
        assertThatThrownBy(() -> KafkaFlushIntents.decode("{\"v\":3,\"state\":\"begun\",\"stream\":\"p1\",\"seq\":3,"
                + "\"first\":10,\"last\":12,\"wm\":5,\"producers\":{},\"coarse\":{\"first\":10,\"wm\":5,"
                + "\"producers\":{},\"cut\":true},\"counting\":{}}"))
                .hasMessageContaining("unreadable flush intent record")
                .hasMessageContaining("a field is missing");
    }

    @Test
    void aVersionOneRecordIsItsOwnCoarseRangeWithUnknownSettings() {
        IntentState read = KafkaFlushIntents.decode(
                "v1 C stream=p11 seq=4242 first=90000 last=90512 wm=1700000061000 producers=agent-1:77,host.b_2:3");

        assertThat(read.completed()).isTrue();
        assertThat(read.intent().origin()).isEqualTo(Origin.ofPartition(11, 4_242, 90_000));
        assertThat(read.intent().producersAtStart()).isEqualTo(Map.of("agent-1", 77L, "host.b_2", 3L));
        assertThat(read.intent().coarse()).isEqualTo(new CoarseRange(90_000, 1_700_000_061_000L,
                Map.of("agent-1", 77L, "host.b_2", 3L), true));
        assertThat(read.intent().counting()).isEmpty();
    }

    @Test
    void anUnknownVersionIsRefusedNamingIt() {
        assertThatThrownBy(() -> KafkaFlushIntents.decode("{\"v\":4,\"state\":\"begun\"}"))
                .hasMessageContaining("flush intent record of version 4")
                .hasMessageContaining("reads versions 1 to 3");
    }

    @Test
    void anUnreadableRecordIsRefusedWithItsText() {
        assertThatThrownBy(() -> KafkaFlushIntents.decode("v1 B whatever"))
                .hasMessageContaining("unreadable flush intent record 'v1 B whatever'");
        assertThatThrownBy(() -> KafkaFlushIntents.decode("{\"v\":2,\"state\":\"begun\"}"))
                .hasMessageContaining("unreadable flush intent record");
    }
}
