package io.statspipe.adapter.kafka;

/** A record of the events topic that is not a valid event batch, and why. */
public record RejectedRecord(int partition, long offset, String reason) {
}
