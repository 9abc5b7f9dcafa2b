package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The topology's extra Kafka client properties reach its spout, survive Storm's serialization, and never show their values. */
class KafkaClientPropertiesTest {
    static final Map<String, String> SASL = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"pw-secret\";");

    final TopologySettings settings = TopologySettings.defaults("kafka-1:9093").withKafkaClientProperties(SASL);

    @Test
    void theSpoutGetsThePropertiesAndDescribesItselfWithoutTheirValues() {
        var spout = StatsTopology.spoutConfig(settings);
        assertThat(spout.getKafkaProps()).containsAllEntriesOf(SASL).containsEntry("bootstrap.servers", "kafka-1:9093");
        assertThat(spout.toString()).contains("sasl.jaas.config").doesNotContain("pw-secret");
    }

    @Test
    void everyWithKeepsThePropertiesAndStormsSerializationToo() throws Exception {
        TopologySettings changed = settings.withName("t").withFlushInterval(Duration.ofSeconds(3)).withParallelism(1, 3)
                .withWorkers(2).withMaxRecordBytes(1024).withCoarseFlushInterval(Duration.ofMinutes(1));
        assertThat(changed.kafkaClientProperties()).isEqualTo(SASL);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(changed);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(changed);
        }
        assertThat(changed.toString()).contains("sasl.jaas.config").doesNotContain("pw-secret");
        assertThat(TopologySettings.defaults("k:1").kafkaClientProperties()).isEmpty();
    }
}
