package io.statspipe.ports.in;

import io.statspipe.domain.InvalidStatException;
import io.statspipe.domain.Phase;
import java.time.Instant;

/** One recorded change of migration phase: from where to where, who did it, when and why. */
public record PhaseChange(Phase from, Phase to, String who, Instant at, String why) {

    public PhaseChange {
        if (from == null || to == null || at == null) {
            throw new InvalidStatException("a phase change needs from, to and a time");
        }
        if (who == null || who.isBlank() || why == null || why.isBlank()) {
            throw new InvalidStatException("a phase change from " + from + " to " + to + " needs who and why");
        }
        from.transitionTo(to);
    }
}
