package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordToTupleTest {

    @Test
    void aValueInABufferOfItsOwnIsTakenWithoutACopy() {
        byte[] value = {1, 2, 3, 4};

        assertThat(StatsTopology.RecordToTuple.bytes(ByteBuffer.wrap(value))).isSameAs(value);
    }

    @Test
    void aValueThatIsAViewOfLargerBytesIsCopiedExactly() {
        byte[] fetched = {9, 9, 1, 2, 3, 9};
        ByteBuffer view = ByteBuffer.wrap(fetched, 2, 3).slice();

        byte[] value = StatsTopology.RecordToTuple.bytes(view);

        assertThat(value).containsExactly(1, 2, 3);
        assertThat(view.remaining()).as("the consumer's buffer is left as it was").isEqualTo(3);
        assertThat(StatsTopology.RecordToTuple.bytes(ByteBuffer.wrap(fetched, 2, 3))).containsExactly(1, 2, 3);
        assertThat(StatsTopology.RecordToTuple.bytes(ByteBuffer.wrap(new byte[] {7, 8}).asReadOnlyBuffer()))
                .containsExactly(7, 8);
    }

    @Test
    void aTupleCarriesPartitionOffsetTimestampAndTheValue() {
        ConsumerRecord<byte[], ByteBuffer> record = new ConsumerRecord<>("stats.events", 3, 42L, null,
                ByteBuffer.wrap(new byte[] {5}));

        List<Object> tuple = new StatsTopology.RecordToTuple().apply(record);

        assertThat(tuple).hasSize(4);
        assertThat(tuple.subList(0, 2)).containsExactly(3, 42L);
        assertThat((byte[]) tuple.get(3)).containsExactly(5);
        // the rollup task lets go of a counted record's bytes while the tuple waits for its ack
        tuple.set(3, new byte[0]);
        assertThat((byte[]) tuple.get(3)).isEmpty();
        assertThat((byte[]) new StatsTopology.RecordToTuple().apply(
                new ConsumerRecord<>("stats.events", 0, 1L, null, null)).get(3)).isEmpty();
    }
}
