package io.statspipe.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PhaseTest {

    @Test
    void theMigrationAdvancesOnePhaseAtATimeInOrder() {
        Phase p = Phase.LEGACY_ONLY;
        StringBuilder path = new StringBuilder(p.name());
        while (p.next().isPresent()) {
            p = p.transitionTo(p.next().get());
            path.append(" > ").append(p);
        }
        assertThat(path).hasToString("LEGACY_ONLY > DUAL_WRITE > BACKFILL > VERIFY > NEW_PRIMARY > NEW_ONLY");
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"DUAL_WRITE", "BACKFILL", "VERIFY", "NEW_PRIMARY"})
    void everyPhaseBeforeNewOnlyRollsBackOnePhase(Phase phase) {
        Phase back = phase.previous().orElseThrow();
        assertThat(back.ordinal()).isEqualTo(phase.ordinal() - 1);
        assertThat(phase.transitionTo(back)).isEqualTo(back);
        assertThat(back.writesLegacy()).as("the phase rolled back to still has the legacy store written").isTrue();
    }

    @Test
    void newOnlyIsFinal() {
        assertThat(Phase.NEW_ONLY.next()).isEmpty();
        assertThat(Phase.NEW_ONLY.previous()).isEmpty();
        assertThatThrownBy(() -> Phase.NEW_ONLY.transitionTo(Phase.NEW_PRIMARY))
                .isInstanceOf(InvalidStatException.class)
                .hasMessage("cannot go from NEW_ONLY to NEW_PRIMARY: from NEW_ONLY you can no advance and no rollback (final)");
    }

    @Test
    void skippingAPhaseIsRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> Phase.DUAL_WRITE.transitionTo(Phase.VERIFY))
                .hasMessage("cannot go from DUAL_WRITE to VERIFY: from DUAL_WRITE you can advance to BACKFILL or roll back to LEGACY_ONLY");
        assertThatThrownBy(() -> Phase.LEGACY_ONLY.transitionTo(Phase.LEGACY_ONLY)).isInstanceOf(InvalidStatException.class);
    }

    @Test
    void readsMoveToTheNewStoreOnlyAtNewPrimaryAndLegacyWritesStopOnlyAtNewOnly() {
        for (Phase p : Phase.values()) {
            assertThat(p.primary()).isEqualTo(p.ordinal() >= Phase.NEW_PRIMARY.ordinal() ? Phase.Store.NEW : Phase.Store.LEGACY);
            assertThat(p.writesLegacy()).isEqualTo(p != Phase.NEW_ONLY);
            assertThat(p.writesNew()).isEqualTo(p != Phase.LEGACY_ONLY);
        }
    }
}
