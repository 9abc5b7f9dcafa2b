package io.statspipe.adapter.kafka.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.adapter.kafka.KafkaBrokerExtension;
import io.statspipe.domain.Phase;
import io.statspipe.ports.in.PhaseChange;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The migration's phase and progress on a real broker: two stores on one topic stand for two
 * processes on two hosts; each sees what the other wrote, a change from a phase that is no
 * longer current is refused, and a record of an unknown format version is refused by name.
 */
class KafkaMigrationStateTest {
    static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static KafkaPhaseStore phases(String topic) {
        return new KafkaPhaseStore(KAFKA.bootstrapServers(), topic, Map.of());
    }

    private static PhaseChange change(Phase from, Phase to, String why) {
        return new PhaseChange(from, to, "ops", AT, why);
    }

    @Test
    void aPhaseChangedThroughOneStoreIsThePhaseEveryOtherStoreReads() {
        try (KafkaPhaseStore pipeline = phases("phases-shared"); KafkaPhaseStore operator = phases("phases-shared")) {
            assertThat(pipeline.current()).isEqualTo(Phase.LEGACY_ONLY);
            operator.record(change(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "start dual-write"));
            assertThat(pipeline.current()).isEqualTo(Phase.DUAL_WRITE);

            pipeline.record(change(Phase.DUAL_WRITE, Phase.BACKFILL, "settled"));
            assertThat(operator.current()).isEqualTo(Phase.BACKFILL);
            assertThat(operator.history()).containsExactly(change(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "start dual-write"),
                    change(Phase.DUAL_WRITE, Phase.BACKFILL, "settled"));
        }
        try (KafkaPhaseStore restarted = phases("phases-shared")) {
            assertThat(restarted.history()).extracting(PhaseChange::to).containsExactly(Phase.DUAL_WRITE, Phase.BACKFILL);
        }
    }

    @Test
    void aChangeFromAPhaseAnotherProcessHasLeftIsRefused() {
        try (KafkaPhaseStore first = phases("phases-race"); KafkaPhaseStore second = phases("phases-race")) {
            assertThat(first.current()).isEqualTo(Phase.LEGACY_ONLY);
            second.record(change(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "second was quicker"));

            assertThatThrownBy(() -> first.record(change(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "first, too late")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the phase changed meanwhile: it is DUAL_WRITE, not LEGACY_ONLY");
            assertThat(first.history()).extracting(PhaseChange::why).containsExactly("second was quicker");
        }
    }

    @Test
    void aRecordOfAnUnknownFormatVersionIsRefusedNamingIt() throws Exception {
        try (KafkaPhaseStore store = phases("phases-future")) {
            store.record(change(Phase.LEGACY_ONLY, Phase.DUAL_WRITE, "known"));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                producer.send(new ProducerRecord<>("phases-future", 0, "change-00000002",
                        "{\"version\":2,\"from\":\"DUAL_WRITE\",\"to\":\"BACKFILL\"}")).get();
            }
            assertThatThrownBy(store::current).isInstanceOf(IllegalStateException.class)
                    .hasMessage("record change-00000002 at offset 2 of topic phases-future has format version 2;"
                            + " this statspipe reads version 1 only");
        }
    }

    @Test
    void progressSavedByOneHostIsWhereAnotherResumes() {
        try (KafkaProgress first = new KafkaProgress(KAFKA.bootstrapServers(), "progress-shared", Map.of());
             KafkaProgress second = new KafkaProgress(KAFKA.bootstrapServers(), "progress-shared", Map.of())) {
            assertThat(second.load("backfill")).isEmpty();
            first.save("backfill", "doc-17");
            first.save("backfill", "doc-42");
            first.save("ledger", "{\"clean\":true}");
            assertThat(second.load("backfill")).contains("doc-42");
            second.save("backfill", "doc-99");
            assertThat(first.load("backfill")).contains("doc-99");
            assertThat(first.load("ledger")).contains("{\"clean\":true}");
        }
    }
}
