package io.statspipe.ports.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * TCP ports free on 127.0.0.1, for the engines statspipe starts on one machine (a local Kafka
 * broker, KairosDB, Cassandra) and their tests. A port is free when asked; another process may
 * take it before the engine binds it, which on a machine of our own is rare enough that an
 * engine failing to bind says so and is started again.
 */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** One port free on 127.0.0.1 right now. */
    public static int free() {
        return free(1)[0];
    }

    /** {@code n} distinct ports free on 127.0.0.1 right now (each held open until all are found). */
    public static int[] free(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // it was only asked for its number
                }
            }
        }
    }
}
