package io.statspipe.app.wiring;

/** Names that tell the two aggregate stores' ports apart in the wiring. */
public final class Stores {
    /** The new store (KairosDB). */
    public static final String NEW = "new";
    /** The legacy store (MongoDB). */
    public static final String LEGACY = "legacy";

    private Stores() {
    }
}
