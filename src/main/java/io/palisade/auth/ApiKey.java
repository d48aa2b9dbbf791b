package io.palisade.auth;

import java.time.Instant;
import java.util.List;

/**
 * A stored API key. Only the SHA-256 of the secret is kept; {@code id} is public and appears in
 * listings and the audit. {@code requestsPerMinute} null means "the configured default";
 * {@code expiresAt} and {@code revokedAt} null mean "never" and "not revoked".
 */
public record ApiKey(String id, String secretHash, String userId, String teamId, List<String> allowedModels,
        Integer requestsPerMinute, Instant expiresAt, Instant revokedAt, String label, boolean admin, Instant createdAt) {
    public ApiKey {
        allowedModels = List.copyOf(allowedModels);
    }
}
