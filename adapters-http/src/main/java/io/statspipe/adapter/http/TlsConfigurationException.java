package io.statspipe.adapter.http;

/**
 * A TLS file of the configuration cannot serve: the message names its key ({@code
 * statspipe.api.tls.*}), the file and what is wrong. The command line stops start-up on it as on
 * any configuration error.
 */
public final class TlsConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TlsConfigurationException(String message) {
        super(message);
    }

    public TlsConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
