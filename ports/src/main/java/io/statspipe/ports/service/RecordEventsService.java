package io.statspipe.ports.service;

import io.statspipe.domain.Event;
import io.statspipe.ports.in.RecordEventsCommand;
import io.statspipe.ports.in.RecordEventsUseCase;
import io.statspipe.ports.out.EventSpoolPort;
import io.statspipe.ports.out.RequestClaim;
import io.statspipe.ports.out.RequestReceipt;
import java.util.List;

/** Records events by publishing them to the event log's spool; {@link #record} returns once they are durable there. */
public final class RecordEventsService implements RecordEventsUseCase {
    private final EventSpoolPort spool;

    public RecordEventsService(EventSpoolPort spool) {
        this.spool = spool;
    }

    @Override
    public int record(RecordEventsCommand command) {
        if (!command.events().isEmpty()) {
            spool.publish(command.events());
        }
        return command.events().size();
    }

    @Override
    public void offer(List<Event> events) {
        spool.offer(events);
    }

    @Override
    public void refuse(byte[] input, String reason, String source) {
        spool.refuse(input, reason, source);
    }

    @Override
    public void countRefused(long inputs) {
        spool.countRefused(inputs);
    }

    @Override
    public RequestClaim claim(String key, byte[] bodyHash) {
        return spool.claim(key, bodyHash);
    }

    @Override
    public void release(String key) {
        spool.release(key);
    }

    @Override
    public int record(RecordEventsCommand command, RequestReceipt receipt) {
        // a request with a key is recorded even when it has no event: its receipt answers its repeats
        spool.publish(command.events(), receipt);
        return command.events().size();
    }
}
