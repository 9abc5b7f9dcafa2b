package io.statspipe.adapter.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Whether each part of the pipeline is ready; {@code GET /health} answers 200 only when all are. */
public final class Readiness {
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

    public synchronized void add(String component, BooleanSupplier ready) {
        checks.put(component, ready);
    }

    /** Components not ready yet; empty when the whole pipeline is ready (and at least one component registered). */
    public synchronized List<String> waitingFor() {
        List<String> waiting = new ArrayList<>();
        if (checks.isEmpty()) {
            waiting.add("start-up");
        }
        checks.forEach((name, check) -> {
            boolean ready;
            try {
                ready = check.getAsBoolean();
            } catch (RuntimeException e) {
                ready = false;
            }
            if (!ready) {
                waiting.add(name);
            }
        });
        return waiting;
    }

    public synchronized List<String> components() {
        return List.copyOf(checks.keySet());
    }
}
