package io.statspipe.adapter.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The administrator token {@code statspipe up} creates on its first start, so that a first query
 * needs no set-up: kept in {@code <data-dir>/admin.token}, readable only by its owner, and admitted
 * by its SHA-256 alone, beside the configured tokens. The client commands read it when run beside
 * the data folder.
 *
 * <p>The file is written in full under a temporary name and then linked to its final name, which
 * fails when the name exists: a reader never sees half a token, and a token once handed out is
 * never replaced.
 */
public final class LocalAdminToken {
    public static final String FILE_NAME = "admin.token";
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalAdminToken() {
    }

    /** The file a data folder keeps its administrator token in. */
    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * The administrator token of {@code dataDir}, created (with the query and ingest scopes) when
     * there is none yet; only its hash leaves this method.
     *
     * @return the token as configuration keeps it: its SHA-256, no tenant, the query and ingest scopes
     */
    public static Token ensure(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.exists(file)) {
            create(dataDir, file);
        }
        String token = read(dataDir).orElseThrow(() -> new IOException(file + " is empty: delete it and start statspipe up"
                + " again to get a new administrator token"));
        return Token.admin(TenantTokens.sha256Hex(token), Scope.QUERY, Scope.INGEST);
    }

    /** The token in {@code <dataDir>/admin.token}, if that file exists and holds one. */
    public static Optional<String> read(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()).filter(t -> !t.isEmpty());
    }

    /** A new random token: 256 bits, URL-safe, so that it passes through a shell and a header unquoted. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void create(Path dataDir, Path file) throws IOException {
        Files.createDirectories(dataDir);
        boolean posix = Files.getFileStore(dataDir).supportsFileAttributeView("posix");
        // Owner-only from the moment the file exists: there is no window in which others may read it.
        FileAttribute<?>[] ownerOnly = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path pending = Files.createTempFile(dataDir, FILE_NAME + ".", ".pending", ownerOnly);
        try {
            Files.writeString(pending, newToken() + "\n", StandardCharsets.UTF_8);
            try {
                Files.createLink(file, pending);
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(pending, file); // no REPLACE_EXISTING: fails when the name exists
            }
        } catch (FileAlreadyExistsException anotherUpWasFaster) {
            // Keep that one: it may already have been handed out.
        } finally {
            Files.deleteIfExists(pending);
        }
    }
}
