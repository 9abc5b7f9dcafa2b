package io.statspipe.app.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The engine choices, one configuration key per port; each value selects one Guice module. */
public final class Engines {
    private Engines() {
    }

    /** {@code statspipe.event-log.engine}. */
    public enum EventLog implements Named { EMBEDDED_KAFKA, KAFKA }

    /** {@code statspipe.store.engine}. */
    public enum Store implements Named { KAIROSDB_H2, KAIROSDB_CASSANDRA, KAIROSDB }

    /** {@code statspipe.topology.engine}. */
    public enum Topology implements Named { LOCAL, CLUSTER }

    /** {@code statspipe.legacy.engine}. */
    public enum Legacy implements Named { NONE, EMBEDDED_MONGO, MONGO }

    /** The spelling used in configuration files: lower case with hyphens. */
    public interface Named {
        String name();

        default String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static <E extends Enum<E> & Named> E parse(Class<E> type, String key, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.configName().equals(value)) {
                return e;
            }
        }
        throw new ConfigurationException(key + " = '" + value + "' is not an engine statspipe knows: use one of "
                + Arrays.stream(type.getEnumConstants()).map(Named::configName).collect(Collectors.joining(", ")));
    }
}
