/**
 * Kafka engine: wire format of event batches, the store-and-forward agent's producer side, the consumer, the dead-letter topic and a local KRaft broker.
 */
package io.statspipe.adapter.kafka;
