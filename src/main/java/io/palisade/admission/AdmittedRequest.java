package io.palisade.admission;

import io.palisade.auth.Caller;
import io.palisade.routing.ModelRoute;
import java.util.Map;

/**
 * Proof that a request passed the policy decision point: only {@link PolicyDecisionPoint} can make
 * one, and every route handler takes one, so no handler can reach a backend without a decision.
 * {@code route} is null for routes that name no model (e.g. GET /v1/models). {@code ticket} is
 * what admission reserved; it is settled exactly once when the request ends.
 */
public final class AdmittedRequest {
    private final Caller caller;
    private final ModelRoute route;
    private final Ticket ticket;

    AdmittedRequest(Caller caller, ModelRoute route, Ticket ticket) {
        this.caller = caller;
        this.route = route;
        this.ticket = ticket;
    }

    public Caller caller() {
        return caller;
    }

    public ModelRoute route() {
        return route;
    }

    public Ticket ticket() {
        return ticket;
    }

    public Map<String, String> rateLimitHeaders() {
        return ticket.headers();
    }
}
