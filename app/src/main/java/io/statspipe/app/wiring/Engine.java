package io.statspipe.app.wiring;

/**
 * One engine statspipe runs (embedded) or reaches (external): started in order, asked whether it
 * is ready, stopped in reverse order.
 */
public interface Engine extends AutoCloseable {

    /** What it is, for the start-up banner and {@code /health}: "Kafka broker (embedded KRaft)". */
    String name();

    /** Where it listens or is reached: "127.0.0.1:9092". */
    String where();

    /**
     * Starts it, or checks that the external one answers.
     *
     * @throws io.statspipe.app.config.ConfigurationException naming the key when a port is taken
     *         or an external engine cannot be reached
     */
    void start() throws Exception;

    boolean ready();

    @Override
    void close();
}
