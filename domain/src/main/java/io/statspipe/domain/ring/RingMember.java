package io.statspipe.domain.ring;

import java.util.regex.Pattern;

/**
 * A Cassandra node while it is registered in the ring's membership: where it listens and where it
 * stands (datacenter, rack). {@code joinSequence} orders members by when they joined: every reader
 * of the membership sees the same order, which is what makes the seed choice the same on every
 * node and stable as the ring grows.
 */
public record RingMember(String id, String address, String datacenter, String rack,
                         int storagePort, int nativePort, long joinSequence) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public RingMember {
        requireName("member id", id);
        requireAddress(address);
        requireName("datacenter of member '" + id + "'", datacenter);
        requireName("rack of member '" + id + "'", rack);
        requirePort("storage (internode) port of member '" + id + "'", storagePort);
        requirePort("native (client) port of member '" + id + "'", nativePort);
        if (storagePort == nativePort) {
            throw new IllegalArgumentException("member '" + id + "' has the same storage and native port "
                    + storagePort + ": they must differ");
        }
        if (joinSequence < 0) {
            throw new IllegalArgumentException("join sequence of member '" + id + "' must not be negative: "
                    + joinSequence);
        }
    }

    /** The same member as registered at {@code sequence} (the registry assigns the order). */
    public RingMember joinedAt(long sequence) {
        return new RingMember(id, address, datacenter, rack, storagePort, nativePort, sequence);
    }

    /**
     * An address literal (IPv4 dotted quad or IPv6), never a host name: firewall rules and
     * Cassandra's seeds need addresses, and resolving names here would make the seed choice depend
     * on whichever DNS answered.
     */
    public static String requireAddress(String address) {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("address must not be empty");
        }
        boolean v4 = IPV4.matcher(address).matches();
        boolean v6 = address.indexOf(':') >= 0 && IPV6.matcher(address).matches();
        if (!v4 && !v6) {
            throw new IllegalArgumentException("address '" + abbreviate(address)
                    + "' is not an IPv4 or IPv6 address literal (host names are not accepted)");
        }
        return address;
    }

    private static void requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + abbreviate(value)
                    + "' must be 1 to 63 letters, digits, _ . - (starting with a letter or digit)");
        }
    }

    private static void requirePort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " out of range: " + port + " (1 to 65535)");
        }
    }

    private static String abbreviate(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
