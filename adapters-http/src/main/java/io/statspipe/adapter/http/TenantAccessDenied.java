package io.statspipe.adapter.http;

/** A tenant asked for another tenant's series (HTTP 403). */
public final class TenantAccessDenied extends ApiException {
    private static final long serialVersionUID = 1L;

    public TenantAccessDenied(String reason) {
        super(403, reason);
    }
}
