package io.statspipe.archfixture.ports;

/** Breaks "ports depend on domain only" and "only app uses adapters": it names an adapter type. */
public interface LeakyPort {
    io.statspipe.archfixture.adapter.kafka.KafkaThing thing();
}
