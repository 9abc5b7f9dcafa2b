package io.statspipe.app.api;

import java.util.Optional;

/** Who is asking, as established from a bearer token: one tenant, or an administrator who sees every tenant. */
public record Caller(Optional<String> tenant) {

    public static Caller admin() {
        return new Caller(Optional.empty());
    }

    public static Caller ofTenant(String tenant) {
        return new Caller(Optional.of(tenant));
    }

    public boolean isAdmin() {
        return tenant.isEmpty();
    }

    /** For logs: the tenant, never the token. */
    @Override
    public String toString() {
        return tenant.map(t -> "tenant " + t).orElse("admin");
    }
}
