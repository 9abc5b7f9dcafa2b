package io.statspipe.ports.out;

import java.util.Optional;

/**
 * Whose series a read may see: one tenant's (the series whose {@code tenant} tag is its name) or
 * every tenant's (an administrator's read).
 */
public record ReadScope(Optional<String> tenant) {
    public ReadScope {
        if (tenant == null) {
            throw new IllegalArgumentException("a read scope's tenant must be given or empty, not null");
        }
        tenant.ifPresent(t -> {
            if (t.isBlank()) {
                throw new IllegalArgumentException("a read scope's tenant must not be blank");
            }
        });
    }

    public static ReadScope everyTenant() {
        return new ReadScope(Optional.empty());
    }

    public static ReadScope ofTenant(String tenant) {
        return new ReadScope(Optional.of(tenant));
    }
}
