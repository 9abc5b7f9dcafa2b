package io.statspipe.app.topology;

import io.statspipe.adapter.storm.TopologyPlugs;
import io.statspipe.domain.Origin;
import io.statspipe.domain.Partial;
import io.statspipe.ports.out.DurabilityCheck;
import io.statspipe.ports.out.WritePartialsPort;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a topology's store and durability check so that its JVM halts itself, as {@code kill -9}
 * would (no shutdown hook, nothing flushed), at one {@link KillPoint} of the flush protocol,
 * once {@code armAfter} flushes were durable in this JVM (so that it happens while the pipeline
 * counts, not during recovery). Before halting it prints {@code halting at <point> of <partition>
 * flush <seq>}, which the fault tests look for in the child's log.
 *
 * <p>The production code knows nothing of this: the flush is told apart by its partials' origin
 * (partition and sequence number), and the committer's order (begin, write, read back, dead
 * letters, complete) places each point. The state is the JVM's, shared by every task's store and
 * check, because the topology runs in this one JVM (LocalCluster).
 */
final class HaltingPlugs {
    /** The exit status a SIGKILLed process reports (128 + 9). */
    static final int STATUS = 137;

    private static final AtomicInteger DURABLE_FLUSHES = new AtomicInteger();
    /** Per partition ({@code p3}), the sequence number of its flush last written and last durable. */
    private static final Map<String, Long> LAST_WRITTEN = new ConcurrentHashMap<>();
    private static final Map<String, Long> LAST_DURABLE = new ConcurrentHashMap<>();

    private HaltingPlugs() {
    }

    static TopologyPlugs wrap(TopologyPlugs plugs, KillPoint point, int armAfter) {
        return new TopologyPlugs(plugs.rules(), plugs.format(),
                () -> haltingStore(plugs.store().get(), point, armAfter),
                () -> haltingCheck(plugs.durability().get(), point, armAfter), plugs.deadLetters(),
                plugs.compactedTopics());
    }

    private static WritePartialsPort haltingStore(WritePartialsPort store, KillPoint point, int armAfter) {
        return partials -> {
            if (!partials.isEmpty()) {
                Origin flush = partials.get(0).id().origin();
                Long previous = LAST_WRITTEN.put(flush.stream(), flush.seq());
                boolean firstWrite = previous == null || previous != flush.seq();
                if (firstWrite && DURABLE_FLUSHES.get() >= armAfter) {
                    beforeFirstWrite(store, partials, point, flush);
                }
            }
            store.write(partials);
        };
    }

    private static void beforeFirstWrite(WritePartialsPort store, List<Partial> partials, KillPoint point, Origin flush) {
        switch (point) {
            case AFTER_BEGIN -> halt(point, flush);
            case MID_WRITE -> {
                if (partials.size() < 2) {
                    return; // no half to write: the next flush halts
                }
                store.write(partials.subList(0, partials.size() / 2));
                halt(point, flush);
            }
            case AFTER_COMPLETE -> {
                Long durable = LAST_DURABLE.get(flush.stream());
                if (durable != null && durable < flush.seq()) {
                    halt(point, flush);
                }
            }
            case AFTER_WRITE -> {
                // the durability check halts
            }
        }
    }

    private static DurabilityCheck haltingCheck(DurabilityCheck check, KillPoint point, int armAfter) {
        return partials -> {
            List<Partial> unconfirmed = check.unconfirmed(partials);
            if (unconfirmed.isEmpty() && !partials.isEmpty()) {
                Origin flush = partials.get(0).id().origin();
                if (point == KillPoint.AFTER_WRITE && DURABLE_FLUSHES.get() >= armAfter) {
                    halt(point, flush);
                }
                LAST_DURABLE.put(flush.stream(), flush.seq());
                DURABLE_FLUSHES.incrementAndGet();
            }
            return unconfirmed;
        };
    }

    private static void halt(KillPoint point, Origin flush) {
        System.out.println("halting at " + point.argName() + " of " + flush.stream() + " flush " + flush.seq());
        System.out.flush();
        Runtime.getRuntime().halt(STATUS);
    }
}
