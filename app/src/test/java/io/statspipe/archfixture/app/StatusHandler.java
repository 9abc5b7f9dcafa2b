package io.statspipe.archfixture.app;

import io.statspipe.archfixture.adapter.http.ApiServer;

/** Breaks "app holds no HTTP handler": an endpoint of the HTTP server written inside app. */
public final class StatusHandler implements ApiServer.Endpoint {
    @Override
    public String handle(String request) {
        return "{\"status\":\"ready\"}";
    }
}
