package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.domain.Origin;
import io.statspipe.ports.out.FlushIntent;
import io.statspipe.ports.out.FlushIntentPort.IntentState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaFlushIntentsCodecTest {

    @Test
    void anIntentReadsBackExactlyAsItWasRecorded() {
        IntentState first = new IntentState(new FlushIntent(Origin.ofPartition(3, 0, 0), 17, Long.MIN_VALUE, Map.of()), false);
        IntentState later = new IntentState(new FlushIntent(Origin.ofPartition(11, 4_242, 90_000), 90_512,
                1_700_000_061_000L, Map.of("agent-1", 77L, "host.b_2", 3L)), true);

        assertThat(KafkaFlushIntents.decode(KafkaFlushIntents.encode(first))).isEqualTo(first);
        assertThat(KafkaFlushIntents.decode(KafkaFlushIntents.encode(later))).isEqualTo(later);
        assertThat(KafkaFlushIntents.encode(later))
                .isEqualTo("v1 C stream=p11 seq=4242 first=90000 last=90512 wm=1700000061000 producers=agent-1:77,host.b_2:3");
    }

    @Test
    void anUnreadableRecordIsRefusedWithItsText() {
        assertThatThrownBy(() -> KafkaFlushIntents.decode("v2 B whatever"))
                .hasMessageContaining("unreadable flush intent record 'v2 B whatever'");
    }
}
