package io.statspipe.ports.in;

import io.statspipe.domain.Event;
import io.statspipe.ports.out.RequestClaim;
import io.statspipe.ports.out.RequestReceipt;
import java.util.List;

/**
 * Takes events in: what the ingest adapter (StatsD over UDP, HTTP) drives. When {@link #record}
 * returns, the events are durable (spooled or in the event log): they will be counted exactly
 * once, whatever fails later.
 */
public interface RecordEventsUseCase {

    /** @return how many events were recorded */
    int record(RecordEventsCommand command);

    /**
     * Takes the events from a sender that waits for no answer (StatsD over UDP): durable within the
     * next group commit, not on return. The list is handed over, not copied.
     *
     * @throws io.statspipe.ports.out.EngineUnavailableException when they cannot be taken (nothing was kept)
     */
    void offer(List<Event> events);

    /** A refused input (a bad StatsD line): counted, and kept as it came with its reason and source. */
    void refuse(byte[] input, String reason, String source);

    /** Counts inputs refused where the sender was told why (an HTTP 400, a refused JSON event). */
    void countRefused(long inputs);

    /** Claims a request's {@code Idempotency-Key} (scoped to its writer) for a body hashing to {@code bodyHash}. */
    RequestClaim claim(String key, byte[] bodyHash);

    /** Gives up a claimed key whose request was not recorded. */
    void release(String key);

    /**
     * Records the events of a request whose key was claimed, with its receipt in the same durable
     * write (the key is released when this throws).
     *
     * @return how many events were recorded
     */
    int record(RecordEventsCommand command, RequestReceipt receipt);
}
