package io.statspipe.archfixture.adapter.kafka;

/** Breaks "adapters are independent": a Kafka adapter class using a KairosDB adapter class. */
public final class KafkaThing {
    public io.statspipe.archfixture.adapter.kairosdb.KairosThing other() {
        return new io.statspipe.archfixture.adapter.kairosdb.KairosThing();
    }
}
