package io.statspipe.adapter.http;

import io.statspipe.ports.out.ReadScope;
import java.util.Optional;
import java.util.Set;

/**
 * Who is asking, as established from a bearer token: one tenant, or an administrator who reads
 * and writes every tenant; and what its token allows ({@link Scope}).
 */
public record Caller(Optional<String> tenant, Set<Scope> scopes) {
    public Caller {
        scopes = Set.copyOf(scopes);
    }

    public static Caller admin(Scope... scopes) {
        return new Caller(Optional.empty(), Set.of(scopes));
    }

    public static Caller ofTenant(String tenant, Scope... scopes) {
        return new Caller(Optional.of(tenant), Set.of(scopes));
    }

    public boolean isAdmin() {
        return tenant.isEmpty();
    }

    /** The series this caller may read: its tenant's, or every tenant's for an administrator. */
    public ReadScope readScope() {
        return tenant.map(ReadScope::ofTenant).orElseGet(ReadScope::everyTenant);
    }

    /**
     * @throws ApiException 403 when the token lacks {@code scope}
     */
    public Caller require(Scope scope) {
        if (!scopes.contains(scope)) {
            throw new ApiException(403, "this token may not " + scope.name().toLowerCase(java.util.Locale.ROOT)
                    + ": its scopes are " + scopes.stream().map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
        }
        return this;
    }

    /** For logs: the tenant, never the token. */
    @Override
    public String toString() {
        return tenant.map(t -> "tenant " + t).orElse("admin");
    }
}
