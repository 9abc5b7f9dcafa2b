package io.statspipe.app.wiring;

import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.ports.out.WritePartialsPort;

/** The new aggregate store's engine (KairosDB), local or external. */
public interface AggregateStore extends Engine {

    /** KairosDB's base URL. */
    String url();

    /** How a topology worker builds its own writer (Storm serializes it into the worker). */
    TopologyPlugs.Factory<WritePartialsPort> writerFactory();
}
