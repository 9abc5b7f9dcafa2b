package io.statspipe.domain;

import java.util.Optional;

/**
 * The phases of the migration off the legacy MongoDB store, in order. Each phase says which
 * stores are written and which one answers reads. Every step forward is one phase; every phase
 * before {@link #NEW_ONLY} can be rolled back one phase. {@code NEW_ONLY} stops writing the
 * legacy store, so from there the way back no longer exists.
 */
public enum Phase {
    /** Only the legacy store is written and read: the starting point. */
    LEGACY_ONLY(true, false, Store.LEGACY),
    /** Live partials go to both stores; reads stay on legacy. */
    DUAL_WRITE(true, true, Store.LEGACY),
    /** Dual-write continues while history before the dual-write start is copied to the new store. */
    BACKFILL(true, true, Store.LEGACY),
    /** Both stores are compared bucket by bucket; reads stay on legacy. */
    VERIFY(true, true, Store.LEGACY),
    /** Reads move to the new store; legacy is still written, so rolling back loses nothing. */
    NEW_PRIMARY(true, true, Store.NEW),
    /** Legacy is no longer written. Final. */
    NEW_ONLY(false, true, Store.NEW);

    /** Which store answers queries. */
    public enum Store { LEGACY, NEW }

    private final boolean writesLegacy;
    private final boolean writesNew;
    private final Store primary;

    Phase(boolean writesLegacy, boolean writesNew, Store primary) {
        this.writesLegacy = writesLegacy;
        this.writesNew = writesNew;
        this.primary = primary;
    }

    public boolean writesLegacy() {
        return writesLegacy;
    }

    public boolean writesNew() {
        return writesNew;
    }

    public Store primary() {
        return primary;
    }

    /** The phase an advance leads to, if any. */
    public Optional<Phase> next() {
        return ordinal() + 1 < values().length ? Optional.of(values()[ordinal() + 1]) : Optional.empty();
    }

    /** The phase a rollback leads to, if rolling back is still possible. */
    public Optional<Phase> previous() {
        return this == LEGACY_ONLY || this == NEW_ONLY ? Optional.empty() : Optional.of(values()[ordinal() - 1]);
    }

    /**
     * Checks a transition from this phase to {@code target}.
     *
     * @return {@code target}
     * @throws InvalidStatException naming both phases and what is allowed instead
     */
    public Phase transitionTo(Phase target) {
        if (next().filter(target::equals).isPresent() || previous().filter(target::equals).isPresent()) {
            return target;
        }
        String allowed = next().map(p -> "advance to " + p).orElse("no advance")
                + previous().map(p -> " or roll back to " + p).orElse(this == NEW_ONLY ? " and no rollback (final)" : "");
        throw new InvalidStatException("cannot go from " + this + " to " + target + ": from " + this + " you can " + allowed);
    }
}
