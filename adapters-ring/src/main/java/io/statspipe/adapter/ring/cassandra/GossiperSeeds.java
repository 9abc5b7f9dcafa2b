package io.statspipe.adapter.ring.cassandra;

import io.statspipe.ports.out.EngineUnavailableException;
import java.io.IOException;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A live Cassandra node's seed list, over its JMX port: the Gossiper MBean's {@code getSeeds} and
 * {@code reloadSeeds}, the operation {@code nodetool reloadseeds} calls. A reload asks the node's
 * seed provider again (for statspipe's, the registry) and replaces the gossiper's seeds, without a
 * restart; Cassandra keeps its old list when the new one is empty or the provider fails.
 */
public final class GossiperSeeds {
    private static final String GOSSIPER = "org.apache.cassandra.net:type=Gossiper";

    private GossiperSeeds() {
    }

    /** The node's seeds other than itself, as {@code /address:port}, after reloading them from its provider. */
    public static List<String> reload(String jmxHostAndPort) {
        return call(jmxHostAndPort, "call reloadSeeds on",
                (connection, gossiper) -> connection.invoke(gossiper, "reloadSeeds", new Object[0], new String[0]));
    }

    /** The node's seeds other than itself, as its gossiper holds them now. */
    public static List<String> current(String jmxHostAndPort) {
        return call(jmxHostAndPort, "read the Seeds of", (connection, gossiper) -> connection.getAttribute(gossiper, "Seeds"));
    }

    private interface GossiperCall {
        Object on(MBeanServerConnection connection, ObjectName gossiper) throws IOException, JMException;
    }

    @SuppressWarnings("unchecked")
    private static List<String> call(String jmxHostAndPort, String what, GossiperCall call) {
        try (JMXConnector connector = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + jmxHostAndPort + "/jmxrmi"))) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            Object seeds = call.on(connection, new ObjectName(GOSSIPER));
            if (seeds == null) {
                throw new EngineUnavailableException("Cassandra at JMX " + jmxHostAndPort
                        + " could not reload its seeds (its seed provider failed; see the node's log)");
            }
            return List.copyOf((List<String>) seeds);
        } catch (IOException | JMException e) {
            throw new EngineUnavailableException("cannot " + what + " Cassandra's gossiper at JMX "
                    + jmxHostAndPort + ": " + e.getMessage(), e);
        }
    }
}
