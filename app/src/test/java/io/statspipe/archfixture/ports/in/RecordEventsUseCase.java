package io.statspipe.archfixture.ports.in;

/** The fixture's inbound port that only an ingest adapter may drive. */
public interface RecordEventsUseCase {
    int record(String line);
}
