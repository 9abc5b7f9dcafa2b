package io.statspipe.archfixture.adapter.kairosdb;

/** The adapter class the bad fixtures lean on. */
public final class KairosThing {
}
