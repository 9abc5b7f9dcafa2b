package io.statspipe.adapter.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTP API's TLS files, read with every mistake named by its key: the server's keystore
 * ({@code statspipe.api.tls.keystore}) and the truststore of the command line's client
 * ({@code statspipe.api.tls.truststore}).
 */
public final class ApiTls {
    static final String KEYSTORE = "statspipe.api.tls.keystore";
    static final String KEYSTORE_PASSWORD = "statspipe.api.tls.keystore-password";
    static final String TRUSTSTORE = "statspipe.api.tls.truststore";
    static final String TRUSTSTORE_PASSWORD = "statspipe.api.tls.truststore-password";

    private ApiTls() {
    }

    /**
     * Jetty's TLS for the server, from the keystore: it must open with its password and hold a
     * private key that opens with the same password.
     */
    static SslContextFactory.Server server(Tls tls) {
        Path path = tls.keystore().orElseThrow(() -> new IllegalArgumentException("no keystore configured"));
        char[] password = tls.keystorePassword().toCharArray();
        KeyStore keystore = open(KEYSTORE, path, KEYSTORE_PASSWORD, password);
        try {
            String alias = Collections.list(keystore.aliases()).stream().filter(a -> isKeyEntry(keystore, a)).findFirst()
                    .orElseThrow(() -> new TlsConfigurationException(KEYSTORE + " = '" + path + "' holds no private key"
                            + " (a certificate alone cannot serve TLS): make it with keytool -genkeypair"));
            keystore.getKey(alias, password);
        } catch (UnrecoverableKeyException e) {
            throw new TlsConfigurationException(KEYSTORE + " = '" + path + "': its private key does not open with "
                    + KEYSTORE_PASSWORD + " (the key needs the keystore's password)", e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigurationException(KEYSTORE + " = '" + path + "' cannot be read: " + e.getMessage(), e);
        }
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(keystore);
        factory.setKeyStorePassword(tls.keystorePassword());
        return factory;
    }

    /**
     * What the command line's client trusts: the truststore's certificates when one is
     * configured, the JDK's trusted authorities otherwise.
     */
    public static SSLContext client(Tls tls) {
        if (tls.truststore().isEmpty()) {
            try {
                return SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no default TLS context", e);
            }
        }
        Path path = tls.truststore().get();
        KeyStore truststore = open(TRUSTSTORE, path, TRUSTSTORE_PASSWORD, tls.truststorePassword().toCharArray());
        try {
            boolean trustsSome = Collections.list(truststore.aliases()).stream().anyMatch(a -> isCertificateEntry(truststore, a));
            if (!trustsSome) {
                throw new TlsConfigurationException(TRUSTSTORE + " = '" + path + "' holds no certificate to trust (a keystore's"
                        + " private key entry is not one): import the API's certificate with keytool -importcert");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(truststore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigurationException(TRUSTSTORE + " = '" + path + "' cannot be used: " + e.getMessage(), e);
        }
    }

    private static KeyStore open(String key, Path path, String passwordKey, char[] password) {
        if (!Files.isRegularFile(path)) {
            throw new TlsConfigurationException(key + " = '" + path + "': no such file");
        }
        try {
            return KeyStore.getInstance(path.toFile(), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new TlsConfigurationException(key + " = '" + path + "' does not open with " + passwordKey
                        + " (wrong password)", e);
            }
            throw new TlsConfigurationException(key + " = '" + path + "' cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigurationException(key + " = '" + path + "' is not a PKCS12 (or JKS) keystore: " + e.getMessage(), e);
        }
    }

    private static boolean isKeyEntry(KeyStore keystore, String alias) {
        try {
            return keystore.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean isCertificateEntry(KeyStore keystore, String alias) {
        try {
            return keystore.isCertificateEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
