package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.adapter.kafka.LocalKafkaBroker;
import io.statspipe.adapter.storm.KafkaFlushIntents;
import io.statspipe.domain.Origin;
import io.statspipe.ports.out.FlushIntent;
import io.statspipe.ports.out.FlushIntent.CoarseRange;
import io.statspipe.ports.out.FlushIntentPort.IntentState;
import io.statspipe.ports.out.StreamTakenOverException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two owners of one partition's flush intents, each with its own Kafka clients, on a real KRaft
 * broker: the owner of partition 0 records flush 1; a second owner claims the partition (as a
 * task does when Storm gives it the partition while the first still runs, a "zombie"); the
 * zombie's next begin is refused, so it cannot cut flush 2 over a range the new owner counts
 * too, and nothing it tried is readable; the new owner's flush 2 is what every reader sees.
 */
class ZombieFencingTest {
    static final String TOPIC = "fencing.flush-intents";

    @TempDir
    static Path dir;
    @AutoClose
    static LocalKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new LocalKafkaBroker(dir.resolve("kafka")).start();
    }

    static FlushIntent intent(long seq, long firstOffset, long lastOffset) {
        return new FlushIntent(Origin.ofPartition(0, seq, firstOffset), lastOffset, 1_700_000_000_000L, Map.of("agent-1", seq),
                new CoarseRange(firstOffset, 1_700_000_000_000L, Map.of("agent-1", seq), false), new TreeMap<>(Map.of("rules", "default")));
    }

    @Test
    void aClaimFencesTheEarlierOwnerSoThatItsNextFlushIsRefusedAndNeverReadable() {
        FlushIntent first = intent(1, 0, 99);
        FlushIntent zombies = intent(2, 100, 499); // the zombie saw more records than the new owner
        FlushIntent owners = intent(2, 100, 349);
        try (KafkaFlushIntents zombie = new KafkaFlushIntents(broker.bootstrapServers(), TOPIC);
             KafkaFlushIntents owner = new KafkaFlushIntents(broker.bootstrapServers(), TOPIC)) {
            zombie.claim("p0");
            zombie.begin(first);
            zombie.complete(first);

            owner.claim("p0");
            assertThat(owner.latest("p0")).contains(new IntentState(first, true));

            assertThatThrownBy(() -> zombie.begin(zombies)).isInstanceOf(StreamTakenOverException.class)
                    .hasMessageContaining("p0").hasMessageContaining("claimed by another owner");
            assertThatThrownBy(() -> zombie.complete(first)).isInstanceOf(StreamTakenOverException.class)
                    .hasMessageContaining("claim it again");
            assertThat(owner.latest("p0")).contains(new IntentState(first, true));

            owner.begin(owners);
            owner.complete(owners);
        }
        try (KafkaFlushIntents reader = new KafkaFlushIntents(broker.bootstrapServers(), TOPIC)) {
            assertThat(reader.latest("p0")).contains(new IntentState(owners, true));
        }
    }
}
