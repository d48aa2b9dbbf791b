package io.palisade.admission;

import io.palisade.auth.Authentication;
import io.palisade.auth.Caller;
import io.palisade.config.LimitsConfig;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelRoute;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The one place that decides whether a request may proceed. It fails closed: anything it cannot
 * positively allow is refused with the reason as an {@link ErrorCode}. Order: credential, model
 * known, model granted (deny by default), rate limit. The rate limit is consumed only by requests
 * that passed everything else, so refused requests do not eat a caller's quota.
 * Thread-safe.
 */
public final class PolicyDecisionPoint {
    private final ModelCatalog catalog;
    private final RateLimiter rateLimiter;
    private final LimitsConfig limits;
    private final LongSupplier nanoClock;

    public PolicyDecisionPoint(ModelCatalog catalog, RateLimiter rateLimiter, LimitsConfig limits, LongSupplier nanoClock) {
        this.catalog = catalog;
        this.rateLimiter = rateLimiter;
        this.limits = limits;
        this.nanoClock = nanoClock;
    }

    /** Refuses a failed authentication; returns the caller otherwise. */
    public Caller authenticated(Authentication authentication) {
        if (!authentication.isAccepted()) {
            throw new PalisadeException(authentication.failure(), authenticationMessage(authentication.failure()));
        }
        return authentication.caller();
    }

    /** Admits an authenticated request that names {@code model}. */
    public AdmittedRequest admitModel(Caller caller, String model) {
        ModelRoute route = catalog.find(model);
        if (route == null) {
            throw new PalisadeException(ErrorCode.MODEL_NOT_FOUND, "the model '" + model + "' does not exist", "model");
        }
        if (!mayUse(caller, route)) {
            throw new PalisadeException(ErrorCode.MODEL_ACCESS_DENIED,
                    "this key may not use the model '" + model + "'; ask an administrator for access", "model");
        }
        return new AdmittedRequest(caller, route, rateLimit(caller));
    }

    /**
     * Whether the caller is granted the model: by its public name or, for Ollama's "name:latest",
     * by the short name people write. The only grant check; listings use it too.
     */
    public static boolean mayUse(Caller caller, ModelRoute route) {
        return caller.grants().allows(route.publicName()) || caller.grants().allows(route.shortName());
    }

    /** Admits an authenticated request that names no model (listing). Still rate limited. */
    public AdmittedRequest admitListing(Caller caller) {
        return new AdmittedRequest(caller, null, rateLimit(caller));
    }

    /** Admits an authenticated administrative request: an admin key is required. */
    public AdmittedRequest admitAdmin(Caller caller) {
        if (!caller.key().admin() || !caller.user().admin()) {
            throw new PalisadeException(ErrorCode.ADMIN_REQUIRED, "this operation needs an administrator key");
        }
        return new AdmittedRequest(caller, null, Map.of());
    }

    private Map<String, String> rateLimit(Caller caller) {
        Integer own = caller.key().requestsPerMinute();
        int limit = own != null ? own : limits.defaultRequestsPerMinute();
        if (limit <= 0) {
            return Map.of();
        }
        RateLimiter.Verdict verdict = rateLimiter.acquire(caller.key().id(), limit, nanoClock.getAsLong());
        if (!verdict.allowed()) {
            long retryAfter = Math.max(1, (verdict.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
            throw new PalisadeException(ErrorCode.RATE_LIMITED,
                    "rate limit of " + limit + " requests per minute reached for this key; retry after " + retryAfter + "s", null,
                    Map.of("Retry-After", Long.toString(retryAfter),
                            "x-ratelimit-limit-requests", Integer.toString(limit),
                            "x-ratelimit-remaining-requests", "0",
                            "x-ratelimit-reset-requests", retryAfter + "s"));
        }
        return Map.of("x-ratelimit-limit-requests", Integer.toString(limit),
                "x-ratelimit-remaining-requests", Integer.toString(verdict.remaining()));
    }

    private static String authenticationMessage(ErrorCode code) {
        return switch (code) {
            case MISSING_API_KEY -> "no API key was given; send 'Authorization: Bearer <key>'";
            case KEY_REVOKED -> "this API key has been revoked";
            case KEY_EXPIRED -> "this API key has expired";
            case USER_NOT_ACTIVE -> "the owner of this API key is not active (pending approval or disabled)";
            default -> "the API key is not valid";
        };
    }
}
