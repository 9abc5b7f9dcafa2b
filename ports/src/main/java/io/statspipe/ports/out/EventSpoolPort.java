package io.statspipe.ports.out;

import io.statspipe.domain.Event;
import java.util.List;

/**
 * The event log as ingest meets it (the store-and-forward agent's spool in production): durable
 * publication, publication for senders that wait for no answer, refused input kept for a person
 * to read, and the receipts of requests with an {@code Idempotency-Key}.
 */
public interface EventSpoolPort extends PublishEventsPort {

    /**
     * Takes the events without waiting for the disk: they are durable after the next group commit.
     * For senders that get no acknowledgement (StatsD over UDP). The list is handed over, not copied.
     *
     * @throws EngineUnavailableException when they cannot be taken (nothing of them was kept)
     */
    void offer(List<Event> events);

    /** Counts refused input and keeps it, as it came (cut to {@link DeadLetterContent}), with its reason and source. */
    void refuse(byte[] input, String reason, String source);

    /** Counts input refused where the sender was told why, kept nowhere. */
    void countRefused(long inputs);

    /** Claims {@code key} for a request whose body hashes to {@code bodyHash}, or says why not. */
    RequestClaim claim(String key, byte[] bodyHash);

    /** Gives up a claimed key whose request was not recorded. */
    void release(String key);

    /**
     * Publishes the events of a request whose key was claimed, its receipt in the same durable
     * write; returns once both are durable. Releases the key when it throws.
     *
     * @throws EngineUnavailableException when the log cannot take them now (nothing was kept)
     */
    void publish(List<Event> events, RequestReceipt receipt);
}
