package io.palisade.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.auth.Authentication;
import io.palisade.auth.Caller;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.routing.Deployment;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelRoute;

/**
 * The one place that decides whether a request may proceed. It fails closed: anything it cannot
 * positively allow is refused with the reason as an {@link ErrorCode}. Order: credential, model
 * granted (deny by default, whether or not the model exists), model known, then the limits ({@link AdmissionControl}: caps, rates,
 * concurrency, budgets). Limits are consumed only by requests that passed everything else, so
 * refused requests do not eat a caller's quota. Thread-safe.
 */
public final class PolicyDecisionPoint {
    private final ModelCatalog catalog;
    private final AdmissionControl admission;

    public PolicyDecisionPoint(ModelCatalog catalog, AdmissionControl admission) {
        this.catalog = catalog;
        this.admission = admission;
    }

    /** Refuses a failed authentication; returns the caller otherwise. */
    public Caller authenticated(Authentication authentication) {
        if (!authentication.isAccepted()) {
            throw new PalisadeException(authentication.failure(), authenticationMessage(authentication.failure()));
        }
        return authentication.caller();
    }

    /**
     * Admits an authenticated request that names {@code model}. {@code generates} is false for
     * embeddings (no output tokens). May make the body's output cap explicit (see AdmissionControl).
     */
    public AdmittedRequest admitModel(
            Caller caller, String model, ObjectNode body, long bodyBytes, String requestId, boolean generates) {
        ModelRoute route = grantedRoute(caller, model, catalog.find(model));
        refuseWhatABackendCannotHonour(route, body);
        return new AdmittedRequest(
                caller, route, admission.admit(caller, route, body, bodyBytes, requestId, generates));
    }

    /**
     * Grant first, so that a key cannot map what exists beyond its grant: a model the key is not
     * granted is 403 model_access_denied whether or not it exists; only a name the key is granted
     * (by its grant's patterns, e.g. "*") that names no model is 404 model_not_found. {@code route}
     * is the catalog's answer for {@code model} (null: no such model). Returns the route.
     */
    public static ModelRoute grantedRoute(Caller caller, String model, ModelRoute route) {
        boolean granted = route == null ? caller.grants().allows(model) : mayUse(caller, route);
        if (!granted) {
            throw new PalisadeException(
                    ErrorCode.MODEL_ACCESS_DENIED,
                    "this key may not use the model '" + model + "'; ask an administrator for access",
                    "model");
        }
        if (route == null) {
            throw new PalisadeException(ErrorCode.MODEL_NOT_FOUND, "the model '" + model + "' does not exist", "model");
        }
        return route;
    }

    /**
     * Refuses, before any limit is consumed, a field that one of the model's deployments (canary
     * included) cannot honour: the answer to a request then never depends on which deployment the
     * traffic split, a canary or a failover would pick (docs/api.md, "What each backend kind does").
     */
    private static void refuseWhatABackendCannotHonour(ModelRoute route, ObjectNode body) {
        for (Deployment deployment : route.allDeployments()) {
            PalisadeException refusal = deployment.backend().refusal(body);
            if (refusal != null) {
                throw refusal;
            }
        }
    }

    /**
     * Whether the caller is granted the model: by its public name or, for Ollama's "name:latest",
     * by the short name people write. The only grant check; listings use it too.
     */
    public static boolean mayUse(Caller caller, ModelRoute route) {
        return caller.grants().allows(route.publicName()) || caller.grants().allows(route.shortName());
    }

    /** Admits an authenticated request that names no model (listing). Still rate limited. */
    public AdmittedRequest admitListing(Caller caller, String requestId) {
        return new AdmittedRequest(caller, null, admission.admitListing(caller, requestId));
    }

    /** Admits an authenticated administrative request: an admin key is required. */
    public AdmittedRequest admitAdmin(Caller caller) {
        if (!caller.key().admin() || !caller.user().admin()) {
            throw new PalisadeException(ErrorCode.ADMIN_REQUIRED, "this operation needs an administrator key");
        }
        return new AdmittedRequest(caller, null, Ticket.none(caller, null, java.util.Map.of()));
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
