package io.statspipe.ports.in;

/**
 * Moves the migration between phases. Advancing is guarded (see the migration runbook); a
 * refused step throws an {@link io.statspipe.domain.InvalidStatException} saying what is missing.
 */
public interface MigrationControlUseCase {

    MigrationStatus status();

    MigrationStatus advance(String who, String why);

    MigrationStatus rollback(String who, String why);
}
