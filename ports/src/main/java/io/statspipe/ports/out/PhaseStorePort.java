package io.statspipe.ports.out;

import io.statspipe.domain.Phase;
import io.statspipe.ports.in.PhaseChange;
import java.util.List;

/**
 * The migration phase, shared by the topology, the query side and the command line, with its
 * full history.
 */
public interface PhaseStorePort {

    /** The current phase ({@link Phase#LEGACY_ONLY} when nothing was ever recorded). */
    Phase current();

    /**
     * Records a change, only if the current phase is still {@code change.from()}.
     *
     * @throws IllegalStateException when someone else changed the phase in between
     */
    void record(PhaseChange change);

    /** Every change, oldest first. */
    List<PhaseChange> history();
}
