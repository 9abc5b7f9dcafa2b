package io.statspipe.archfixture.ports.in;

/** The fixture's inbound port that a service in ports implements, never app. */
public interface QueryUseCase {
    long query(String metric);
}
