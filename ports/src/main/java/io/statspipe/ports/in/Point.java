package io.statspipe.ports.in;

/**
 * One bucket's answer: its start and the aggregation's value. Counts are whole numbers, exact
 * up to 2^53.
 */
public record Point(long bucketStart, double value) {
}
