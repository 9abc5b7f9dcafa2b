package io.statspipe.app.wiring;

import io.statspipe.app.config.ConfigurationException;
import io.statspipe.app.config.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Start-up checks that turn "cannot bind" and "cannot connect" into messages naming the configuration key. */
public final class Reachability {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private Reachability() {
    }

    /** Fails naming {@code key} when something already listens on the port (TCP, 127.0.0.1). */
    public static void requireFreePort(String key, int port) {
        requireFreePort(key, Settings.BIND_ADDRESS, port);
    }

    /** Fails naming {@code key} when something already listens on the port (TCP, {@code bind}). */
    public static void requireFreePort(String key, String bind, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw new ConfigurationException(key + " = " + port + ": port " + port + " on " + bind
                    + " is already in use (another statspipe still running, or another program); choose another port");
        }
    }

    /** Fails naming {@code key} when no {@code host:port} of the list accepts a connection. */
    public static void requireReachable(String key, String hostPorts) {
        IOException last = null;
        for (String hp : hostPorts.split(",")) {
            String[] parts = hp.trim().split(":");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), (int) TIMEOUT.toMillis());
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new ConfigurationException(key + " = '" + hostPorts + "': cannot connect (" + last.getMessage()
                + "); is the engine running and reachable from here?");
    }

    /** Fails naming {@code key} when {@code url} does not answer 200. */
    public static void requireHttp(String key, String baseUrl, String path) {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(TIMEOUT).build().send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                throw new ConfigurationException(key + " = '" + baseUrl + "': " + path + " answered HTTP " + r.statusCode());
            }
        } catch (IOException e) {
            throw new ConfigurationException(key + " = '" + baseUrl + "': cannot connect (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException("interrupted while checking " + key);
        }
    }

    /**
     * The KairosDB at {@code baseUrl} must have statspipe's plugin: without it every gauge and
     * distribution write would be refused at flush time, so this is a configuration error found
     * at start-up, with what to install.
     */
    public static void requireStatspipePlugin(String key, String baseUrl) {
        try {
            io.statspipe.adapter.kairosdb.KairosPlugin.requireInstalled(baseUrl);
        } catch (IllegalStateException e) {
            throw new ConfigurationException(key + " = '" + baseUrl + "': " + e.getMessage());
        }
    }
}
