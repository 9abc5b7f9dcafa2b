package io.statspipe.app.api;

import io.statspipe.app.config.Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps a bearer token to its {@link Caller}. Only SHA-256 digests of tokens are configured and
 * kept, so neither the configuration nor a heap dump reveals a token; tokens are never logged.
 */
public final class TenantTokens {
    private final Map<String, String> tenantBySha256;
    private final Set<String> admins;

    public TenantTokens(List<Settings.TenantToken> tokens, List<String> adminSha256) {
        Map<String, String> byHash = new HashMap<>();
        for (Settings.TenantToken t : tokens) {
            String previous = byHash.put(t.sha256(), t.tenant());
            if (previous != null && !previous.equals(t.tenant())) {
                throw new IllegalArgumentException("one token hash is configured for two tenants: " + previous
                        + " and " + t.tenant());
            }
        }
        this.tenantBySha256 = Map.copyOf(byHash);
        this.admins = Set.copyOf(new HashSet<>(adminSha256));
        for (String a : admins) {
            if (tenantBySha256.containsKey(a)) {
                throw new IllegalArgumentException("one token hash is configured both as admin and for tenant "
                        + tenantBySha256.get(a));
            }
        }
    }

    public static String sha256Hex(String token) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The caller an {@code Authorization} header names.
     *
     * @throws ApiException 401 when the header is missing, not a bearer token, or the token is unknown
     */
    public Caller authenticate(Optional<String> authorization) {
        String header = authorization.orElseThrow(() -> new ApiException(401,
                "missing bearer token: send 'Authorization: Bearer <token>'"));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
            throw new ApiException(401, "the Authorization header must be 'Bearer <token>'");
        }
        String hash = sha256Hex(header.substring(7).trim());
        if (admins.contains(hash)) {
            return Caller.admin();
        }
        String tenant = tenantBySha256.get(hash);
        if (tenant == null) {
            throw new ApiException(401, "unknown token");
        }
        return Caller.ofTenant(tenant);
    }
}
