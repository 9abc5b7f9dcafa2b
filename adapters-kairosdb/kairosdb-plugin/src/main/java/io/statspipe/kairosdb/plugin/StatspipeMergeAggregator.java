package io.statspipe.kairosdb.plugin;

import io.statspipe.domain.Aggregate;
import org.kairosdb.core.DataPoint;
import org.kairosdb.core.annotation.FeatureComponent;

@FeatureComponent(
        name = "statspipe_merge",
        description = "Merges the statspipe_dist or statspipe_gauge points of each range into one point of the same"
                + " type, which statspipe and the other statspipe aggregators read."
)
public final class StatspipeMergeAggregator extends StatspipeAggregator {
    @Override
    public String getAggregatedGroupType(String groupType) {
        return groupType;
    }

    @Override
    DataPoint result(long timestamp, Aggregate merged) {
        return new AggregateDataPoint(timestamp, merged);
    }
}
