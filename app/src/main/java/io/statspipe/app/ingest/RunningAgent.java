package io.statspipe.app.ingest;

import io.statspipe.adapter.kafka.AgentSettings;
import io.statspipe.adapter.kafka.StoreAndForwardAgent;
import java.net.InetSocketAddress;

/** The store-and-forward agent with its ingest endpoints (StatsD UDP and HTTP), started and stopped together. */
public final class RunningAgent implements AutoCloseable {
    private final StoreAndForwardAgent agent;
    private final StatsdUdpListener statsd;
    private final HttpIngestServer http;

    private RunningAgent(StoreAndForwardAgent agent, StatsdUdpListener statsd, HttpIngestServer http) {
        this.agent = agent;
        this.statsd = statsd;
        this.http = http;
    }

    /** Starts the agent, then its endpoints (port 0: a free port). */
    public static RunningAgent start(AgentSettings settings, InetSocketAddress statsdBind, InetSocketAddress httpBind) {
        StoreAndForwardAgent agent = StoreAndForwardAgent.start(settings);
        StatsdUdpListener statsd = null;
        try {
            statsd = new StatsdUdpListener(statsdBind, agent);
            return new RunningAgent(agent, statsd, new HttpIngestServer(httpBind, agent));
        } catch (RuntimeException e) {
            if (statsd != null) {
                statsd.close();
            }
            agent.close();
            throw e;
        }
    }

    public StoreAndForwardAgent agent() {
        return agent;
    }

    public StatsdUdpListener statsd() {
        return statsd;
    }

    public HttpIngestServer http() {
        return http;
    }

    /** Stops taking input first, then spools what was received, then stops forwarding. */
    @Override
    public void close() {
        http.close();
        statsd.close();
        agent.close();
    }
}
