package io.statspipe.ports.out.ring;

import io.statspipe.domain.ring.RingMember;
import java.util.List;

/**
 * The Cassandra ring's membership: who is in it while alive, and which KairosDB hosts use it.
 * A registration lasts while its process lives and until it is closed; a member that dies
 * (even killed with no chance to close) drops out by itself. Reads list the live members with
 * the order they joined in ({@link RingMember#joinSequence()}), the same for every reader.
 */
public interface RingMembershipPort {

    /** Lists {@code member} until the registration is closed or this process dies. */
    Registration register(RingMember member);

    /** Lists a KairosDB host (admitted to the ring's client port) until closed or dead. */
    Registration registerKairosHost(String id, String address);

    /** The live members, oldest first, each with its join sequence. */
    List<RingMember> members();

    /** The addresses of the live KairosDB hosts, sorted. */
    List<String> kairosHosts();

    /** A listing in the registry; closing it removes the listing now rather than at death. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
