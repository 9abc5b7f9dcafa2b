package io.statspipe.archfixture.ports.out;

/** The fixture's outbound port that only an adapter may implement. */
public interface StorePort {
    void write(String value);
}
