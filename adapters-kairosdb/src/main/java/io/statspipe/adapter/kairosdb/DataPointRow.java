package io.statspipe.adapter.kairosdb;

import java.util.SortedMap;

/**
 * One KairosDB data point as statspipe writes it: metric, tags (the user's and ours), the slot
 * timestamp, a long or double value, and its time to live in seconds.
 */
record DataPointRow(String metric, SortedMap<String, String> tags, long timestamp, Number value, int ttlSeconds) {
}
