package io.statspipe.kairosdb.plugin;

import io.statspipe.domain.Aggregate;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;
import org.json.JSONException;
import org.json.JSONWriter;
import org.kairosdb.core.datapoints.DataPointHelper;

/** A KairosDB data point whose value is one whole statspipe aggregate (a distribution or a gauge). */
public final class AggregateDataPoint extends DataPointHelper {
    private final Aggregate aggregate;
    private final String type;

    public AggregateDataPoint(long timestamp, Aggregate aggregate) {
        super(timestamp);
        this.aggregate = Objects.requireNonNull(aggregate, "aggregate");
        this.type = StatspipeValue.typeOf(aggregate);
    }

    public Aggregate aggregate() {
        return aggregate;
    }

    @Override
    public void writeValueToBuffer(DataOutput buffer) throws IOException {
        StatspipeValue.write(aggregate, buffer);
    }

    @Override
    public void writeValueToJson(JSONWriter writer) throws JSONException {
        StatspipeValue.writeJson(aggregate, writer);
    }

    @Override
    public String getApiDataType() {
        return type;
    }

    @Override
    public String getDataStoreDataType() {
        return type;
    }

    @Override
    public boolean isLong() {
        return false;
    }

    @Override
    public long getLongValue() {
        return 0;
    }

    @Override
    public boolean isDouble() {
        return false;
    }

    @Override
    public double getDoubleValue() {
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AggregateDataPoint p && super.equals(o) && aggregate.equals(p.aggregate);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + aggregate.hashCode();
    }

    @Override
    public String toString() {
        return type + "@" + getTimestamp() + StatspipeValue.toJson(aggregate);
    }
}
