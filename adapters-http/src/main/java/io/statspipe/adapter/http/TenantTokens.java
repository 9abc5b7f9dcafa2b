package io.statspipe.adapter.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a bearer token to its {@link Caller}: the one token model of queries and ingest. Only
 * SHA-256 digests of tokens are configured and kept, so neither the configuration nor a heap
 * dump reveals a token; tokens are never logged.
 */
public final class TenantTokens {
    private final Map<String, Caller> callersBySha256;

    public TenantTokens(List<Token> tokens) {
        Map<String, Caller> byHash = new HashMap<>();
        for (Token t : tokens) {
            Caller previous = byHash.put(t.sha256(), new Caller(t.tenant(), t.scopes()));
            if (previous != null) {
                throw new IllegalArgumentException("one token hash is configured twice: for " + previous + " and for "
                        + new Caller(t.tenant(), t.scopes()));
            }
        }
        this.callersBySha256 = Map.copyOf(byHash);
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
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw new ApiException(401, "the Authorization header must be 'Bearer <token>'");
        }
        Caller caller = callersBySha256.get(sha256Hex(header.substring(7).trim()));
        if (caller == null) {
            throw new ApiException(401, "unknown token");
        }
        return caller;
    }
}
