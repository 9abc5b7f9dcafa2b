package io.statspipe.adapter.kairosdb.server;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath of a server JVM, as the build resolved it from Maven Central: a resource
 * {@code statspipe/<name>.classpath} (written by the {@code kairosdb-server} and
 * {@code cassandra-server} build modules) listing the jars in the local Maven repository. Nothing
 * is downloaded at run time.
 */
final class ServerClasspath {
    private ServerClasspath() {
    }

    /** The server's jars, then the code location of {@link ExitWithParent}. */
    static List<Path> of(String name) {
        String resource = "statspipe/" + name + ".classpath";
        ClassLoader loader = ServerClasspath.class.getClassLoader();
        String listing;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource '" + resource + "' is missing: build it with"
                        + " ./mvnw -B -pl adapters-kairosdb -am package -DskipTests");
            }
            listing = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource '" + resource + "'", e);
        }
        List<Path> jars = new ArrayList<>();
        for (String entry : listing.split(File.pathSeparator)) {
            Path jar = Path.of(entry.trim());
            // a folder of classes when a reactor build stops before packaging (mvn test)
            if (!Files.isRegularFile(jar) && !Files.isDirectory(jar)) {
                throw new IllegalStateException("jar " + jar + " of " + name + " is missing from the local Maven"
                        + " repository: rebuild with ./mvnw -B -pl adapters-kairosdb -am package -DskipTests");
            }
            jars.add(jar);
        }
        jars.add(ownCodeLocation());
        return List.copyOf(jars);
    }

    /**
     * Where the server JVM finds {@link ExitWithParent}: statspipe's classes folder, or, when they
     * are packed in a jar (a shaded jar holds every library statspipe uses, another Jetty among
     * them, which must not reach the server's classpath), a folder holding that one class alone.
     */
    private static Path ownCodeLocation() {
        Path location;
        try {
            location = Path.of(ExitWithParent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate statspipe's own classes", e);
        }
        if (Files.isDirectory(location)) {
            return location;
        }
        String entry = ExitWithParent.class.getName().replace('.', '/') + ".class";
        try (InputStream in = ExitWithParent.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IllegalStateException("cannot read " + entry + " from " + location);
            }
            Path folder = Files.createTempDirectory("statspipe-server-main");
            Path file = folder.resolve(entry);
            Files.createDirectories(file.getParent());
            Files.copy(in, file);
            // Deleted at exit in the reverse order of registration: the folders first here, so last.
            java.util.Deque<Path> made = new java.util.ArrayDeque<>();
            for (Path p = file; p.startsWith(folder); p = p.getParent()) {
                made.push(p);
            }
            made.forEach(p -> p.toFile().deleteOnExit());
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + entry + " out of " + location, e);
        }
    }
}
