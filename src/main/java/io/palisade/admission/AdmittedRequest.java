package io.palisade.admission;

import io.palisade.auth.Caller;
import io.palisade.routing.ModelRoute;
import java.util.Map;

/**
 * Proof that a request passed the policy decision point: only {@link PolicyDecisionPoint} can make
 * one, and every route handler takes one, so no handler can reach a backend without a decision.
 * {@code route} is null for routes that name no model (e.g. GET /v1/models).
 */
public final class AdmittedRequest {
    private final Caller caller;
    private final ModelRoute route;
    private final Map<String, String> rateLimitHeaders;

    AdmittedRequest(Caller caller, ModelRoute route, Map<String, String> rateLimitHeaders) {
        this.caller = caller;
        this.route = route;
        this.rateLimitHeaders = Map.copyOf(rateLimitHeaders);
    }

    public Caller caller() {
        return caller;
    }

    public ModelRoute route() {
        return route;
    }

    public Map<String, String> rateLimitHeaders() {
        return rateLimitHeaders;
    }
}
