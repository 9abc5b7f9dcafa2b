package io.statspipe.archfixture.migration;

/** Breaks "migration uses ports only": it reaches for an adapter directly. */
public final class LeakyMigration {
    private final io.statspipe.archfixture.adapter.kairosdb.KairosThing store = new io.statspipe.archfixture.adapter.kairosdb.KairosThing();

    public Object store() {
        return store;
    }
}
