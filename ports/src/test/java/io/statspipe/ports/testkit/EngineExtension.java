package io.statspipe.ports.testkit;

import io.statspipe.ports.local.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One engine a test class talks to, started once for the class in a fresh folder and closed (and
 * the folder deleted) when the class is done. Registered as a static field:
 * <pre>{@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}</pre>
 * The started engine lives in the class's {@link ExtensionContext.Store}, which JUnit closes at the
 * end of the class, also when a test or a later start-up failed; a {@code @Nested} class finds
 * its enclosing class's engine there instead of starting another. Each engine module's test jar
 * has its own subclass.
 */
public class EngineExtension<E extends AutoCloseable> implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EngineExtension.class);

    /** Starts the engine with its data in {@code folder}, on 127.0.0.1. */
    @FunctionalInterface
    public interface Starter<E> {
        E start(Path folder) throws Exception;
    }

    private final String name;
    private final Starter<E> starter;
    private E engine;

    public EngineExtension(String name, Starter<E> starter) {
        this.name = name;
        this.starter = starter;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Started<E> started = context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(this, key -> Started.start(name, starter), Started.class);
        engine = started.engine();
    }

    /** The running engine; only from a test or a {@code @BeforeAll} method of the class that registered it. */
    public E engine() {
        if (engine == null) {
            throw new IllegalStateException(name + " is not started: register it as a static @RegisterExtension field");
        }
        return engine;
    }

    /** Deletes {@code folder} and everything in it; nothing if it does not exist. */
    public static void deleteRecursively(Path folder) {
        try {
            Folders.deleteRecursively(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + folder, e);
        }
    }

    private record Started<E extends AutoCloseable>(E engine, Path folder) implements AutoCloseable {
        static <E extends AutoCloseable> Started<E> start(String name, Starter<E> starter) {
            Path folder;
            try {
                folder = Files.createTempDirectory("statspipe-" + name);
            } catch (IOException e) {
                throw new UncheckedIOException("creating a folder for " + name, e);
            }
            try {
                return new Started<>(starter.start(folder), folder);
            } catch (Exception e) {
                deleteRecursively(folder);
                throw new IllegalStateException(name + " did not start: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws Exception {
            try {
                engine.close();
            } finally {
                deleteRecursively(folder);
            }
        }
    }
}
