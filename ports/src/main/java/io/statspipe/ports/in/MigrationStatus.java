package io.statspipe.ports.in;

import io.statspipe.domain.Phase;
import java.util.List;

/** Where the migration stands: the current phase, its history, and what blocks the next step (if anything). */
public record MigrationStatus(Phase phase, List<PhaseChange> history, List<String> blockers) {

    public MigrationStatus {
        history = List.copyOf(history);
        blockers = List.copyOf(blockers);
    }
}
