package io.statspipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statspipe.adapter.http.ApiServer;
import io.statspipe.adapter.http.ApiTls;
import io.statspipe.adapter.http.HttpEdge;
import io.statspipe.adapter.http.Tls;
import io.statspipe.adapter.http.TlsConfigurationException;
import io.statspipe.app.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API with a keystore serves HTTPS only, on a real server with a self-signed certificate
 * made by the JDK's keytool for this run: a client trusting the certificate (the command line's
 * client with {@code statspipe.api.tls.truststore}) gets {@code /health}; plain HTTP to the port,
 * or a client that does not trust the certificate, gets nothing. A keystore that cannot serve is
 * refused at start, naming the key.
 */
class ApiTlsTest {
    static final String KEYSTORE_PASSWORD = "keystore-pw-1";
    static final String TRUSTSTORE_PASSWORD = "truststore-pw-1";

    @TempDir
    static Path dir;
    static Tls tls;
    static ApiServer api;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("api.p12");
        Path certificate = dir.resolve("api.crt");
        Path truststore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD);
        keytool("-exportcert", "-alias", "api", "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD,
                "-rfc", "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "api", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", TRUSTSTORE_PASSWORD);
        tls = new Tls(Optional.of(keystore), KEYSTORE_PASSWORD, Optional.of(truststore), TRUSTSTORE_PASSWORD);
        api = new ApiServer(Settings.BIND_ADDRESS, 0, HttpEdge.DEFAULTS, tls)
                .route("/health", request -> ApiServer.Response.json(200, Map.of("status", "ready")))
                .start();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
    }

    static String url(String scheme) {
        return scheme + "://127.0.0.1:" + api.port();
    }

    @Test
    void aClientTrustingTheCertificateGetsHealthOverHttps() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(ApiTls.client(tls)).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url("https") + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("ready");
    }

    @Test
    void theCommandLineClientReachesTheHttpsApiWithTheConfiguredTruststore() throws Exception {
        Settings.Api settings = new Settings.Api(Settings.BIND_ADDRESS, api.port(), List.of(), 1000,
                HttpEdge.DEFAULTS, tls);
        ApiClient byConfiguration = new ApiClient(settings.baseUrl(), ApiTls.client(tls));
        assertThat(byConfiguration.baseUrl()).isEqualTo(url("https"));
        assertThat(byConfiguration.get("/health", Optional.empty()).status()).isEqualTo(200);
        ApiClient byUrl = new ApiClient(url("https") + "/", ApiTls.client(tls));
        assertThat(byUrl.get("/health", Optional.empty()).body().path("status").asText()).isEqualTo("ready");
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(url("http") + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsToldWhatToConfigure() throws Exception {
        ApiClient untrusting = new ApiClient(url("https"), SSLContext.getDefault());
        assertThatThrownBy(() -> untrusting.get("/health", Optional.empty()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no TLS session with statspipe at " + url("https"))
                .hasMessageContaining("statspipe.api.tls.truststore");
    }

    @Test
    void aKeystoreThatCannotServeIsRefusedNamingTheKey() {
        Path missing = dir.resolve("missing.p12");
        assertThatThrownBy(() -> serverWith(missing, KEYSTORE_PASSWORD))
                .isInstanceOf(TlsConfigurationException.class)
                .hasMessage("statspipe.api.tls.keystore = '" + missing + "': no such file");
        assertThatThrownBy(() -> serverWith(tls.keystore().get(), "not-the-password"))
                .isInstanceOf(TlsConfigurationException.class)
                .hasMessageContaining("statspipe.api.tls.keystore = '" + tls.keystore().get() + "'")
                .hasMessageContaining("does not open with statspipe.api.tls.keystore-password (wrong password)")
                .hasMessageNotContaining("not-the-password");
        assertThatThrownBy(() -> serverWith(tls.truststore().get(), TRUSTSTORE_PASSWORD))
                .isInstanceOf(TlsConfigurationException.class)
                .hasMessageContaining("statspipe.api.tls.keystore = '" + tls.truststore().get() + "' holds no private key");
    }

    @Test
    void aTruststoreWithoutACertificateIsRefusedNamingTheKey() {
        Tls keystoreAsTruststore = new Tls(Optional.empty(), "", tls.keystore(), KEYSTORE_PASSWORD);
        assertThatThrownBy(() -> ApiTls.client(keystoreAsTruststore))
                .isInstanceOf(TlsConfigurationException.class)
                .hasMessageContaining("statspipe.api.tls.truststore = '" + tls.keystore().get() + "' holds no certificate to trust");
    }

    private static void serverWith(Path keystore, String password) {
        new ApiServer(Settings.BIND_ADDRESS, 0, HttpEdge.DEFAULTS,
                new Tls(Optional.of(keystore), password, Optional.empty(), "")).close();
    }
}
