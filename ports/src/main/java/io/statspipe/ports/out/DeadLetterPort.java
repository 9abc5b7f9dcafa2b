package io.statspipe.ports.out;

import java.util.List;

/** Where refused input goes, with its reason and where it came from ({@code stats.deadletter}). */
@FunctionalInterface
public interface DeadLetterPort extends AutoCloseable {

    /**
     * Sends every dead letter; durable when it returns.
     *
     * @throws EngineUnavailableException when they could not all be sent
     */
    void send(List<DeadLetter> letters);

    @Override
    default void close() {
    }
}
