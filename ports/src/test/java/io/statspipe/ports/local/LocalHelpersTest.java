package io.statspipe.ports.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalHelpersTest {
    @TempDir
    Path dir;

    @Test
    void aFolderIsDeletedWithEverythingInItAndAMissingOneIsAlreadyDeleted() throws IOException {
        Path folder = dir.resolve("engine");
        Files.createDirectories(folder.resolve("a/b/c"));
        Files.writeString(folder.resolve("a/b/c/segment.log"), "x");
        Files.writeString(folder.resolve("top.conf"), "y");

        Folders.deleteRecursively(folder);

        assertThat(folder).doesNotExist();
        assertThat(dir).exists();
        Folders.deleteRecursively(folder); // nothing to do, no failure
    }

    @Test
    void freePortsAreDistinctAndBindableOnLoopback() throws IOException {
        int[] ports = LoopbackPorts.free(5);
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(5);
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
