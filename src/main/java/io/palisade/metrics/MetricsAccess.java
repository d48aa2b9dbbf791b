package io.palisade.metrics;

import io.palisade.auth.Authentication;
import io.palisade.auth.KeyRegistry;
import io.palisade.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Who may scrape /metrics: the configured metrics token, or any admin key. */
public final class MetricsAccess {
    private MetricsAccess() {}

    public static boolean allows(String authorization, Secret token, KeyRegistry keys) {
        if (authorization == null || authorization.isBlank()) {
            return false;
        }
        String presented = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : authorization.trim();
        if (token.isPresent() && MessageDigest.isEqual(token.reveal().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        Authentication authentication = keys.authenticate(authorization);
        return authentication.isAccepted() && authentication.caller().key().admin() && authentication.caller().user().admin();
    }
}
