package io.statspipe.adapter.ring.cassandra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The jars (or class folders) {@link RegistrySeedProvider} needs on a Cassandra node's classpath
 * beside Cassandra's own: this module's, and its runtime dependencies other than those Cassandra
 * already carries (Guava, Jackson, SLF4J), as the build resolved them into
 * {@code statspipe/ring-seed-provider.classpath}. Copy them into Cassandra's {@code lib/}, or
 * append them to a node's classpath as {@code LocalCassandra.seedProvider} does.
 */
public final class SeedProviderClasspath {
    private static final String RESOURCE = "statspipe/ring-seed-provider.classpath";

    private SeedProviderClasspath() {
    }

    public static List<Path> entries() {
        List<Path> entries = new ArrayList<>();
        entries.add(ownLocation());
        try (InputStream in = SeedProviderClasspath.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource '" + RESOURCE + "' is missing: build adapters-ring"
                        + " with Maven (its generate-resources phase writes it)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            Arrays.stream(classpath.split(File.pathSeparator)).filter(entry -> !entry.isBlank())
                    .map(Path::of).forEach(entries::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource '" + RESOURCE + "'", e);
        }
        return List.copyOf(entries);
    }

    private static Path ownLocation() {
        try {
            return Path.of(SeedProviderClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate adapters-ring's own classes", e);
        }
    }
}
