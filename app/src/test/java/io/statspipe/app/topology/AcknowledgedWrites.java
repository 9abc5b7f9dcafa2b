package io.statspipe.app.topology;

import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.domain.Origin;
import io.statspipe.ports.out.WritePartialsPort;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * Wraps a topology's store so that a test learns the moment a write call returned, i.e. the
 * store acknowledged it (KairosDB answered 204), before the committer goes on to read it back.
 * The production code knows nothing of this. The listener is the JVM's (Storm serializes the
 * plugs, so they cannot carry it): the topology must run in the test's JVM (LocalCluster).
 */
final class AcknowledgedWrites {
    private static final AtomicReference<BiConsumer<Origin, Integer>> NEXT = new AtomicReference<>();

    private AcknowledgedWrites() {
    }

    static TopologyPlugs wrap(TopologyPlugs plugs) {
        return new TopologyPlugs(plugs.rules(), plugs.format(), () -> acknowledging(plugs.store().get()),
                plugs.durability());
    }

    /**
     * Calls {@code listener} once, on the committer's thread, right after the next write call of
     * any flush returned, with the flush's origin and the number of partials the call wrote.
     */
    static void onNextAcknowledged(BiConsumer<Origin, Integer> listener) {
        NEXT.set(listener);
    }

    private static WritePartialsPort acknowledging(WritePartialsPort store) {
        return partials -> {
            store.write(partials);
            BiConsumer<Origin, Integer> listener = partials.isEmpty() ? null : NEXT.getAndSet(null);
            if (listener != null) {
                listener.accept(partials.get(0).id().origin(), partials.size());
            }
        };
    }
}
