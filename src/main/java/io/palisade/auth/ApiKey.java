package io.palisade.auth;

import java.time.Instant;
import java.util.List;

/**
 * A stored API key. Only the SHA-256 of the secret is kept; {@code id} is public and appears in
 * listings and the audit. Its limits (requests per minute included) are not part of it: they live
 * in the limits store alone (see {@code LimitsRegistry}), whoever set them. {@code expiresAt} and {@code revokedAt} null mean "never" and "not revoked".
 * {@code fallbackModels}: the public models to fall back to, in order, when every deployment of
 * the requested model fails; empty means "the model's own fallbacks".
 */
public record ApiKey(
        String id,
        String secretHash,
        String userId,
        String teamId,
        List<String> allowedModels,
        Instant expiresAt,
        Instant revokedAt,
        String label,
        boolean admin,
        Instant createdAt,
        List<String> fallbackModels) {
    public ApiKey {
        allowedModels = List.copyOf(allowedModels);
        fallbackModels = List.copyOf(fallbackModels);
    }
}
