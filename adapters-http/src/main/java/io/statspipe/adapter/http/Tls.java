package io.statspipe.adapter.http;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS of the HTTP API ({@code statspipe.api.tls.*}): the server's keystore (a PKCS12 file with
 * its private key and certificate; the API serves HTTPS only when it is set), and the
 * truststore the command line's clients check the API's certificate with (the JDK's trusted
 * authorities when not set). The files are read, and checked, by {@link ApiTls}.
 */
public record Tls(Optional<Path> keystore, String keystorePassword, Optional<Path> truststore,
                  String truststorePassword) {
    public static final Tls NONE = new Tls(Optional.empty(), "", Optional.empty(), "");

    public boolean serves() {
        return keystore.isPresent();
    }

    /** Without the passwords: they must never reach a log. */
    @Override
    public String toString() {
        return "Tls[keystore=" + keystore.map(Path::toString).orElse("none") + ", truststore="
                + truststore.map(Path::toString).orElse("JDK default") + "]";
    }
}
