package io.statspipe.app.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.adapter.http.TenantTokens;
import io.statspipe.ports.local.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * The {@code ./statspipe} launcher run as a user runs it, as a child process of the test, with
 * free non-default ports and its own data folder. It runs on the classpath this build resolved
 * ({@code STATSPIPE_CLASSPATH}), so the test never starts a nested build.
 */
final class RunningStatspipe {
    static final String ADMIN_TOKEN = "e2e-admin-3f9b27c1";
    static final String ACME_TOKEN = "e2e-acme-a81c44d0";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path dataDir;
    final Path config;
    final int apiPort;
    final int statsdPort;
    final int kairosPort;
    final int kafkaPort;
    final int controllerPort;
    final Path out;
    final Path err;
    Process process;

    RunningStatspipe(Path dir) throws IOException {
        this.dataDir = dir.resolve("data");
        int[] tcp = freeTcpPorts(4);
        this.apiPort = tcp[0];
        this.kairosPort = tcp[1];
        this.kafkaPort = tcp[2];
        this.controllerPort = tcp[3];
        this.statsdPort = freeUdpPort();
        this.config = dir.resolve("statspipe.conf");
        Files.writeString(config, "statspipe.api.tokens = [ { tenant = acme, sha256 = \"" + TenantTokens.sha256Hex(ACME_TOKEN)
                + "\" } ]\nstatspipe.api.admin-sha256 = [ \"" + TenantTokens.sha256Hex(ADMIN_TOKEN) + "\" ]\n"
                + "statspipe.topology.flush-interval = 1s\n"
                + "statspipe.topology.coarse-flush-interval = 3s\n");
        this.out = dir.resolve("up.out");
        this.err = dir.resolve("up.err");
    }

    /** Starts {@code ./statspipe up} and returns without waiting for readiness. */
    RunningStatspipe start() throws IOException {
        ProcessBuilder pb = launcher("up", "--config", config.toString(), "--data-dir", dataDir.toString(),
                "--api-port", "" + apiPort, "--statsd-port", "" + statsdPort, "--kairosdb-port", "" + kairosPort,
                "--kafka-port", "" + kafkaPort, "--kafka-controller-port", "" + controllerPort);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        process = pb.start();
        return this;
    }

    static ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", REPO.resolve("statspipe").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
        pb.environment().put("STATSPIPE_CLASSPATH", classpath());
        pb.environment().put("STATSPIPE_JAVA_OPTS", "-Xmx768m -Djava.net.preferIPv4Stack=true");
        pb.environment().keySet().removeIf(k -> k.startsWith("STATSPIPE_") && !k.equals("STATSPIPE_CLASSPATH")
                && !k.equals("STATSPIPE_JAVA_OPTS"));
        return pb;
    }

    /** The application's runtime classpath as this build resolved it: main classes first, no test classes. */
    static String classpath() {
        String cp = Optional.ofNullable(System.getProperty("surefire.test.class.path"))
                .orElse(System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.endsWith("test-classes") && !e.contains("surefire")) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Polls /health until 200 or the deadline. */
    void awaitHealthy(Duration deadline) throws Exception {
        awaitTrue("GET /health = 200", deadline, () -> {
            assertThat(process.isAlive()).as("statspipe up exited early; stderr:%n%s", tail(err)).isTrue();
            return get("/health", null).statusCode() == 200;
        });
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            return new Unanswered(e);
        }
    }

    JsonNode ingest(String lines) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/ingest"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(lines)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("ingest answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Sum of every point of every group the query API answers; 0 when nothing yet. */
    double total(String query, String token) throws Exception {
        HttpResponse<String> r = get("/api/v1/query?" + query, token);
        if (r.statusCode() != 200) {
            return -1;
        }
        double sum = 0;
        for (JsonNode g : JSON.readTree(r.body()).path("results")) {
            for (JsonNode p : g.path("points")) {
                sum += p.get(1).asDouble();
            }
        }
        return sum;
    }

    static void awaitTrue(String what, Duration deadline, ThrowingSupplier<Boolean> check) throws Exception {
        await(what).atMost(deadline).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(check::get);
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    static boolean tcpPortFree(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return false;
        } catch (IOException refused) {
            return true;
        }
    }

    static int[] freeTcpPorts(int n) {
        return LoopbackPorts.free(n);
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** Ends the process tree by PID (for clean-up after a failed test). */
    void forceStop() {
        if (process != null) {
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    Map<String, Integer> tcpPorts() {
        return Map.of("statspipe.api.port", apiPort, "statspipe.store.port", kairosPort, "statspipe.event-log.port", kafkaPort,
                "statspipe.event-log.controller-port", controllerPort);
    }

    /** An HTTP answer for "nothing listens yet". */
    private static final class Unanswered implements HttpResponse<String> {
        private final Exception cause;

        Unanswered(Exception cause) {
            this.cause = cause;
        }

        @Override
        public int statusCode() {
            return -1;
        }

        @Override
        public HttpRequest request() {
            return null;
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        @Override
        public String body() {
            return cause.toString();
        }

        @Override
        public Optional<javax.net.ssl.SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return null;
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }

}
