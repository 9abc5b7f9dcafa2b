package io.statspipe.adapter.storm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.grouping.CustomStreamGrouping;
import org.apache.storm.task.WorkerTopologyContext;

/**
 * Sends every record of Kafka partition {@code p} to rollup task {@code p mod tasks} (tasks in
 * ascending id order). Like a fields grouping on the partition, one task owns whole partitions;
 * unlike it, a task can tell which partitions are its own before any of their records arrive
 * ({@link #owns}), so it can resume a partition that has gone quiet: coarser resolutions of a
 * partition whose records were all acked may still wait to be written (exact-counting.md).
 */
final class PartitionGrouping implements CustomStreamGrouping {
    private static final long serialVersionUID = 1L;

    private List<Integer> targets;
    private int partitionField;

    @Override
    public void prepare(WorkerTopologyContext context, GlobalStreamId stream, List<Integer> targetTasks) {
        prepare(targetTasks, context.getComponentOutputFields(stream).fieldIndex(StatsTopology.PARTITION));
    }

    /** Routes to {@code targetTasks}, reading the partition from field {@code partitionField} of a tuple. */
    void prepare(List<Integer> targetTasks, int partitionField) {
        List<Integer> sorted = new ArrayList<>(targetTasks);
        Collections.sort(sorted);
        this.targets = sorted;
        this.partitionField = partitionField;
    }

    @Override
    public List<Integer> chooseTasks(int taskId, List<Object> values) {
        int partition = ((Number) values.get(partitionField)).intValue();
        return List.of(targets.get(Math.floorMod(partition, targets.size())));
    }

    /** True when the task at {@code taskIndex} (its index among {@code tasks} rollup tasks) owns {@code partition}. */
    static boolean owns(int taskIndex, int tasks, int partition) {
        return Math.floorMod(partition, tasks) == taskIndex;
    }
}
