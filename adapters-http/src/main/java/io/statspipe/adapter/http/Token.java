package io.statspipe.adapter.http;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * One bearer token, kept as the SHA-256 hex of its text: one tenant's (its queries see, its
 * writes land in, that tenant only) or an administrator's ({@code tenant} empty: every tenant),
 * allowed what its scopes say.
 */
public record Token(Optional<String> tenant, String sha256, Set<Scope> scopes) {
    public Token {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    public static Token ofTenant(String tenant, String sha256, Scope... scopes) {
        return new Token(Optional.of(tenant), sha256, Set.of(scopes));
    }

    public static Token admin(String sha256, Scope... scopes) {
        return new Token(Optional.empty(), sha256, Set.of(scopes));
    }
}
