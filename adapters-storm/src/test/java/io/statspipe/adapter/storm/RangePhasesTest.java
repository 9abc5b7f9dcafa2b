package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangePhasesTest {
    private static final long INTERVAL = 10_000_000_000L;

    @Test
    void aRangeIsDueAfterItOpenedAndAtMostOneIntervalLater() {
        for (long openedAt : new long[] {0, 123_456_789, -987_654_321_000L, Long.MAX_VALUE / 2, Long.MIN_VALUE / 2}) {
            for (int partition = 0; partition < 200; partition++) {
                assertThat(RollupBolt.dueAt(partition, openedAt, INTERVAL) - openedAt)
                        .as("partition %d, opened at %d", partition, openedAt)
                        .isBetween(1L, INTERVAL);
            }
        }
    }

    @Test
    void aRangeOpenedOnItsPhaseRunsAWholeInterval() {
        for (int partition = 0; partition < 50; partition++) {
            long phase = RollupBolt.dueAt(partition, 0, INTERVAL);
            assertThat(RollupBolt.dueAt(partition, phase, INTERVAL)).as("partition %d", partition).isEqualTo(phase + INTERVAL);
        }
    }

    @Test
    void underSteadyTrafficEachRangeRunsOneIntervalAndThePartitionKeepsItsPhase() {
        for (int partition = 0; partition < 50; partition++) {
            long due = RollupBolt.dueAt(partition, 5_000_000L, INTERVAL);
            for (int range = 0; range < 5; range++) {
                long opened = due + 40_000_000L; // the next range opens as the one before is cut (plus the check's delay)
                long next = RollupBolt.dueAt(partition, opened, INTERVAL);
                assertThat(next - due).as("partition %d, range %d", partition, range).isEqualTo(INTERVAL);
                due = next;
            }
        }
    }

    @Test
    void partitionsOpenedTogetherAreCutAtPhasesSpreadOverTheInterval() {
        for (int partitions : new int[] {2, 4, 8, 16, 64}) {
            List<Long> phases = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                phases.add(Math.floorMod(RollupBolt.dueAt(p, 777_000_000L, INTERVAL), INTERVAL));
            }
            phases.sort(null);
            long widestGap = INTERVAL - phases.get(phases.size() - 1) + phases.get(0);
            for (int i = 1; i < phases.size(); i++) {
                widestGap = Math.max(widestGap, phases.get(i) - phases.get(i - 1));
            }
            // all on one phase would leave a gap of the whole interval; an even spread, 1/n of it
            assertThat(widestGap).as("%d partitions", partitions).isLessThanOrEqualTo(3 * INTERVAL / partitions);
        }
    }
}
