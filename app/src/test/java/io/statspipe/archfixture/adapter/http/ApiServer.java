package io.statspipe.archfixture.adapter.http;

/** The fixture's HTTP server, whose endpoints only the HTTP adapter may hold. */
public final class ApiServer {
    private ApiServer() {
    }

    /** What answers one path. */
    public interface Endpoint {
        String handle(String request);
    }
}
