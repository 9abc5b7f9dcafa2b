package io.statspipe.adapter.kafka;

import io.statspipe.domain.EventBatch;

/** An event batch read from the events topic, with where it was read. */
public record ConsumedBatch(int partition, long offset, EventBatch batch) {
}
