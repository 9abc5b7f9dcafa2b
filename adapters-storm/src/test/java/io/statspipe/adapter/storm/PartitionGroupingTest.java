package io.statspipe.adapter.storm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionGroupingTest {

    @Test
    void everyRecordOfAPartitionGoesToTheOneTaskThatKnowsItOwnsIt() {
        PartitionGrouping grouping = new PartitionGrouping();
        List<Integer> tasks = List.of(9, 4, 6); // Storm hands task ids in no particular order
        grouping.prepare(tasks, 1);
        List<Integer> byIndex = tasks.stream().sorted().toList();

        for (int partition = 0; partition < 50; partition++) {
            List<Integer> chosen = grouping.chooseTasks(0, List.of("record", partition, "value"));
            assertThat(chosen).hasSize(1);
            List<Integer> owners = new ArrayList<>();
            for (int index = 0; index < byIndex.size(); index++) {
                if (PartitionGrouping.owns(index, byIndex.size(), partition)) {
                    owners.add(byIndex.get(index));
                }
            }
            assertThat(owners).as("partition %d", partition).containsExactlyElementsOf(chosen);
            assertThat(grouping.chooseTasks(0, List.of("another record", partition, "value"))).isEqualTo(chosen);
        }
    }

    @Test
    void thePartitionsFirstRangesSpreadTheirFlushesEvenlyOverTheIntervalAndNeverShortenOne() {
        java.time.Duration interval = java.time.Duration.ofSeconds(10);
        List<Long> extras = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            extras.add(PartitionGrouping.firstRangeExtraNanos(interval, p, 4));
        }
        assertThat(extras).containsExactly(0L, 2_500_000_000L, 5_000_000_000L, 7_500_000_000L);
        for (int p = 0; p < 64; p++) {
            assertThat(PartitionGrouping.firstRangeExtraNanos(interval, p, 64)).isBetween(0L, interval.toNanos() - 1);
        }
    }
}
