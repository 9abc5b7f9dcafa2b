package io.statspipe.kairosdb.plugin;

import com.google.gson.JsonElement;
import java.io.IOException;
import org.kairosdb.core.DataPoint;
import org.kairosdb.core.datapoints.DataPointFactory;
import org.kairosdb.util.KDataInput;

/**
 * Reads statspipe values of one type from KairosDB's JSON and from its datastore. The type is
 * both the API type (registered as {@code kairosdb.datapoints.factory.<type>}), the datastore
 * type and the group type the plugin's aggregators recognise.
 */
abstract class AggregateDataPointFactory implements DataPointFactory {
    private final String type;

    AggregateDataPointFactory(String type) {
        this.type = type;
    }

    @Override
    public String getDataStoreType() {
        return type;
    }

    @Override
    public String getGroupType() {
        return type;
    }

    /** A bad value throws JsonSyntaxException, which KairosDB answers with HTTP 400 and its message. */
    @Override
    public DataPoint getDataPoint(long timestamp, JsonElement json) {
        return new AggregateDataPoint(timestamp, StatspipeValue.fromJson(type, json));
    }

    @Override
    public DataPoint getDataPoint(long timestamp, KDataInput buffer) throws IOException {
        return new AggregateDataPoint(timestamp, StatspipeValue.read(type, buffer));
    }
}
