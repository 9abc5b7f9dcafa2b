package io.statspipe.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.adapter.storm.KafkaFlushIntents;
import io.statspipe.domain.Origin;
import io.statspipe.ports.out.FlushIntent;
import io.statspipe.ports.out.FlushIntent.CoarseRange;
import io.statspipe.ports.out.FlushIntentPort.IntentState;
import io.statspipe.ports.out.StreamTakenOverException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two owners of one partition's flush intents, each with its own Kafka clients, on a real KRaft
 * broker: the owner of partition 0 records flush 1; a second owner claims the partition (as a
 * task does when Storm gives it the partition while the first still runs, a "zombie"); the
 * zombie's next begin is refused, so it cannot cut flush 2 over a range the new owner counts
 * too, and nothing it tried is readable; the new owner's flush 2 is what every reader sees.
 */
class ZombieFencingTest {
    static final String TOPIC = "fencing.flush-intents";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static FlushIntent intent(long seq, long firstOffset, long lastOffset) {
        return new FlushIntent(Origin.ofPartition(0, seq, firstOffset), lastOffset, 1_700_000_000_000L, Map.of("agent-1", seq),
                new CoarseRange(firstOffset, 1_700_000_000_000L, Map.of("agent-1", seq), false), new TreeMap<>(Map.of("rules", "default")));
    }

    @Test
    void aClaimFencesTheEarlierOwnerSoThatItsNextFlushIsRefusedAndNeverReadable() {
        FlushIntent first = intent(1, 0, 99);
        FlushIntent zombies = intent(2, 100, 499); // the zombie saw more records than the new owner
        FlushIntent owners = intent(2, 100, 349);
        try (KafkaFlushIntents zombie = new KafkaFlushIntents(KAFKA.bootstrapServers(), TOPIC);
             KafkaFlushIntents owner = new KafkaFlushIntents(KAFKA.bootstrapServers(), TOPIC)) {
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
        try (KafkaFlushIntents reader = new KafkaFlushIntents(KAFKA.bootstrapServers(), TOPIC)) {
            assertThat(reader.latest("p0")).contains(new IntentState(owners, true));
        }
    }

    /**
     * A transaction left open in front of a newer intent (a writer killed inside its begin) hides
     * that intent from a reader that stops at the last stable offset: it would resume from the
     * older one. The reader waits until the transaction is decided (here by the broker's
     * transaction timeout) and sees the newer intent.
     */
    @Test
    void anIntentCommittedBehindATransactionLeftOpenIsReadOnceThatTransactionIsDecided() {
        String topic = TOPIC + ".open";
        FlushIntent older = intent(1, 0, 9);
        FlushIntent newer = intent(2, 10, 19);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fencing-test-killed-writer");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 1_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaFlushIntents owner = new KafkaFlushIntents(KAFKA.bootstrapServers(), topic);
             KafkaProducer<String, String> killed = new KafkaProducer<>(p)) {
            owner.claim("p0");
            owner.begin(older);
            owner.complete(older);
            killed.initTransactions();
            killed.beginTransaction();
            killed.send(new ProducerRecord<>(topic, "p9", "never committed"));
            killed.flush(); // on the log, undecided: the last stable offset stops in front of it
            owner.begin(newer);
            owner.complete(newer);

            try (KafkaFlushIntents reader = new KafkaFlushIntents(KAFKA.bootstrapServers(), topic)) {
                assertThat(reader.latest("p0")).contains(new IntentState(newer, true));
            }
        }
    }
}
