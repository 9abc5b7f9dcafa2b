package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Origin;
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
        assertThat(KafkaFlushIntents.encode(later)).startsWith("{\"v\":2,\"state\":\"completed\",\"stream\":\"p11\"");
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
        assertThatThrownBy(() -> KafkaFlushIntents.decode("{\"v\":3,\"state\":\"begun\"}"))
                .hasMessageContaining("flush intent record of version 3")
                .hasMessageContaining("reads versions 1 and 2");
    }

    @Test
    void anUnreadableRecordIsRefusedWithItsText() {
        assertThatThrownBy(() -> KafkaFlushIntents.decode("v1 B whatever"))
                .hasMessageContaining("unreadable flush intent record 'v1 B whatever'");
        assertThatThrownBy(() -> KafkaFlushIntents.decode("{\"v\":2,\"state\":\"begun\"}"))
                .hasMessageContaining("unreadable flush intent record");
    }
}
