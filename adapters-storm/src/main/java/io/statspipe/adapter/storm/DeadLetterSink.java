package io.statspipe.adapter.storm;

import java.util.List;

/** Where refused input goes ({@code stats.deadletter}). */
public interface DeadLetterSink extends AutoCloseable {

    /**
     * Sends every dead letter; durable when it returns.
     *
     * @throws io.statspipe.ports.out.EngineUnavailableException when they could not all be sent
     */
    void send(List<DeadLetter> letters);

    @Override
    default void close() {
    }
}
