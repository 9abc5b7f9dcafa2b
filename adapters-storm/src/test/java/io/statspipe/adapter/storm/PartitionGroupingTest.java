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
}
