package io.palisade.metrics;

import io.palisade.auth.Authentication;
import io.palisade.auth.KeyRegistry;
import io.palisade.config.Secret;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Who may scrape /metrics: the configured metrics token, or any admin key. */
public final class MetricsAccess {
    private MetricsAccess() {}

    /**
     * Why a scrape presenting {@code authorization} is refused, or null when it may scrape: no
     * credential is 401 missing_api_key; a key that does not authenticate is 401 with the reason
     * (invalid, revoked, expired); a valid key without the right to scrape is 403 admin_required.
     */
    public static PalisadeException refusal(String authorization, Secret token, KeyRegistry keys) {
        if (authorization == null || authorization.isBlank()) {
            return new PalisadeException(
                    ErrorCode.MISSING_API_KEY,
                    "scraping metrics needs the metrics token or an admin key;"
                            + " send 'Authorization: Bearer <token>'");
        }
        String presented = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : authorization.trim();
        if (token.isPresent()
                && MessageDigest.isEqual(
                        token.reveal().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        Authentication authentication = keys.authenticate(authorization);
        if (!authentication.isAccepted()) {
            return new PalisadeException(authentication.failure(), "the API key or metrics token is not valid");
        }
        if (!authentication.caller().key().admin()
                || !authentication.caller().user().admin()) {
            return new PalisadeException(
                    ErrorCode.ADMIN_REQUIRED,
                    "scraping metrics needs the metrics token or an admin key;"
                            + " this key is valid but is not an admin key");
        }
        return null;
    }
}
