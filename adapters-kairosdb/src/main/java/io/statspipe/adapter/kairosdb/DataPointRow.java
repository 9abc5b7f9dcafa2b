package io.statspipe.adapter.kairosdb;

import java.util.Optional;
import java.util.SortedMap;

/**
 * One KairosDB data point as statspipe writes it: metric, tags (the user's and ours), the slot
 * timestamp, the value (a long count, or the JSON state of a gauge or distribution partial, of
 * the plugin's {@code type}), and its time to live in seconds.
 */
record DataPointRow(String metric, SortedMap<String, String> tags, long timestamp, Object value, Optional<String> type,
                    int ttlSeconds) {
}
