package io.statspipe.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.statspipe.domain.ProducerSequences.Verdict;
import org.junit.jupiter.api.Test;

class ProducerSequencesTest {

    @Test
    void aDuplicateWithinTheReplayWindowIsAResendAndOneBelowItIsBehind() {
        ProducerSequences seen = new ProducerSequences();
        assertThat(seen.admit(new BatchId("agent-a", 1000))).isEqualTo(Verdict.FIRST_TIME);

        assertThat(seen.admit(new BatchId("agent-a", 1000))).isEqualTo(Verdict.RESENT);
        assertThat(seen.admit(new BatchId("agent-a", 1000 - ProducerSequences.REPLAY_WINDOW + 1)))
                .isEqualTo(Verdict.RESENT);
        assertThat(seen.admit(new BatchId("agent-a", 1000 - ProducerSequences.REPLAY_WINDOW)))
                .isEqualTo(Verdict.BEHIND);
        assertThat(seen.admit(new BatchId("agent-a", 0))).isEqualTo(Verdict.BEHIND);
        assertThat(seen.admit(new BatchId("agent-b", 0))).as("another producer").isEqualTo(Verdict.FIRST_TIME);
        assertThat(seen.highest("agent-a")).as("neither moves the highest sequence").isEqualTo(1000);
    }

    @Test
    void aRestoredSnapshotGivesTheSameVerdicts() {
        ProducerSequences seen = new ProducerSequences();
        seen.admit(new BatchId("agent-a", 2000));
        ProducerSequences restored = new ProducerSequences(seen.snapshot());

        for (long sequence : new long[] {2001, 2001, 1500, 1000}) {
            assertThat(restored.admit(new BatchId("agent-a", sequence))).isEqualTo(seen.admit(new BatchId("agent-a", sequence)));
        }
        assertThat(restored.highest("nobody")).isEqualTo(-1);
    }
}
