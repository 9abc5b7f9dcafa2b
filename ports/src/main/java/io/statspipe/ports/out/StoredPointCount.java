package io.statspipe.ports.out;

/**
 * How many data points a store holds under one of its own names (a KairosDB metric such as
 * {@code page.views:1h:count}) for a selection.
 */
public record StoredPointCount(String store, String name, long points) {
}
