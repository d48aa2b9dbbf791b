package io.palisade.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.auth.Caller;
import io.palisade.auth.ModelGrants;
import io.palisade.config.LimitsConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.routing.ModelRoute;
import io.palisade.store.UsageStore;
import io.palisade.usage.TokenUsage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reserve, then settle. Before a request is forwarded it reserves its worst case — estimated
 * prompt tokens plus its output cap (the configured default cap is sent to the backend when the
 * request sets none) — against every limit of its key, user and team (and their per-model
 * limits), atomically, in {@link Counters}. When the answer ends, {@link #settle} replaces the
 * reservation by the real usage and frees the rest. Since no request is forwarded without a
 * reservation that fits and output is capped at what was reserved, concurrent requests cannot
 * together pass a tokens-per-minute limit or a budget (bounds in docs/admission.md).
 * Thread-safe.
 */
public final class AdmissionControl {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionControl.class);
    private static final long SLOT_LIFETIME_MILLIS = 30 * 60_000L;

    private final Counters counters;
    private final LimitsConfig config;
    private final TokenEstimator estimator;
    private final UsageStore usage;
    private final UsageRecorder recorder;
    private final Clock clock;
    /** Pricing's model patterns, compiled once: a fixed list from the configuration, not a cache that grows. */
    private final List<PricedModels> pricing;
    /** Claim keys, limit descriptions and budget periods, kept from one request to the next (each says when it is rebuilt). */
    private final CallerScopes callerScopes;

    private final BudgetPeriods periods = new BudgetPeriods();

    public AdmissionControl(
            Counters counters,
            LimitsRegistry limits,
            LimitsConfig config,
            TokenEstimator estimator,
            UsageStore usage,
            UsageRecorder recorder,
            Clock clock) {
        this.counters = counters;
        this.config = config;
        this.estimator = estimator;
        this.usage = usage;
        this.recorder = recorder;
        this.clock = clock;
        this.callerScopes = new CallerScopes(limits);
        List<PricedModels> priced = new ArrayList<>();
        for (LimitsConfig.Price price : config.pricing()) {
            priced.add(new PricedModels(ModelGrants.of(List.of(price.model())), price));
        }
        this.pricing = List.copyOf(priced);
    }

    /** A price and the models it applies to; the first that allows a model prices it. */
    private record PricedModels(ModelGrants models, LimitsConfig.Price price) {}

    /**
     * Admits a model request or throws the refusal. May change {@code body}: the output cap is made
     * explicit ({@code max_tokens}) so the backend cannot generate more than was reserved.
     */
    public Ticket admit(
            Caller caller, ModelRoute route, ObjectNode body, long bodyBytes, String requestId, boolean generates) {
        List<ScopeLimits> scopes = scopes(caller, route.publicName());
        int maxBody = smallest(scopes, Limits::maxBodyBytes, 0);
        if (maxBody > 0 && bodyBytes > maxBody) {
            throw new PalisadeException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the request body is " + bodyBytes + " bytes; the limit for this" + " caller is " + maxBody,
                    null,
                    Map.of(),
                    "max_body_bytes " + maxBody);
        }
        long prompt = estimator.estimate(body);
        int maxPrompt = smallest(scopes, Limits::maxPromptTokens, config.maxPromptTokens());
        if (maxPrompt > 0 && prompt > maxPrompt) {
            throw new PalisadeException(
                    ErrorCode.PROMPT_TOO_LONG,
                    "the prompt is about " + prompt + " tokens; the limit is " + maxPrompt,
                    "messages",
                    Map.of(),
                    "max_prompt_tokens " + maxPrompt);
        }
        long output = generates ? outputCap(body, scopes) : 0;
        long tokens = switch (config.tokensCounted()) {
            case TOTAL -> prompt + output;
            case PROMPT -> prompt;
            case COMPLETION -> output;
        };
        long cost = costMicros(route.publicName(), prompt, output);
        return reserve(caller, route.publicName(), scopes, prompt, output, tokens, cost);
    }

    /** Admits a request that names no model: only requests-per-minute and concurrency apply. */
    public Ticket admitListing(Caller caller, String requestId) {
        return reserve(caller, null, scopes(caller, null), 0, 0, 0, 0);
    }

    /**
     * Settles a ticket once the request has ended. {@code usage} is what the backend reported
     * (may be unknown); {@code streamedChunks} counts answer chunks relayed, the fallback measure
     * of output for a stream cut before its usage arrived; {@code answered} is false when nothing
     * reached the caller (the reservation is then released whole). Returns the cost in micro-dollars.
     * A request that reserved nothing (no limit applies to it, or limits failed open) is still
     * recorded in usage: reports and costs count every answered request, limited or not.
     */
    public long settle(Ticket ticket, TokenUsage reported, long streamedChunks, boolean answered) {
        long prompt = !answered ? 0 : reported.promptTokens() >= 0 ? reported.promptTokens() : ticket.reservedPrompt();
        long output = !answered
                ? 0
                : reported.completionTokens() >= 0
                        ? reported.completionTokens()
                        : Math.min(streamedChunks, ticket.reservedOutput());
        long tokens = switch (config.tokensCounted()) {
            case TOTAL -> prompt + output;
            case PROMPT -> prompt;
            case COMPLETION -> output;
        };
        long cost = ticket.model() == null ? 0 : costMicros(ticket.model(), prompt, output);
        if (ticket.reservationId() != null) {
            settleCounters(ticket, tokens, cost);
        }
        if (ticket.model() != null) {
            String usageId = ticket.reservationId() != null ? ticket.reservationId() : newId();
            recorder.record(event(ticket.caller(), ticket.model(), usageId, prompt, output, cost, null));
        }
        return cost;
    }

    private void settleCounters(Ticket ticket, long tokens, long cost) {
        List<ClaimAmount> actual = new ArrayList<>(ticket.claims().size());
        for (Claim claim : ticket.claims()) {
            long used = claim.kind() == Claim.Kind.CONCURRENCY
                    ? claim.amount()
                    : switch (claim.measure()) {
                        case REQUESTS -> claim.amount();
                        case TOKENS -> tokens;
                        case COST -> cost;
                    };
            actual.add(new ClaimAmount(claim, used));
        }
        try {
            counters.settle(ticket.reservationId(), actual, ticket.reservedAtMillis(), clock.millis());
        } catch (CountersUnavailableException e) {
            LOG.warn("could not settle reservation {}: {}", ticket.reservationId(), e.getMessage());
        }
    }

    /** Records a refused model request in the usage report (tokens zero). */
    public void refused(Caller caller, String model, String requestId, String reason) {
        if (caller != null && model != null) {
            recorder.record(event(caller, model, requestId, 0, 0, 0, reason));
        }
    }

    private Ticket reserve(
            Caller caller, String model, List<ScopeLimits> scopes, long prompt, long output, long tokens, long cost) {
        long now = clock.millis();
        List<Claim> claims = new ArrayList<>();
        List<BudgetSeed> seeds = null;
        ScopeLimits keyScope = null;
        Claim keyRequests = null;
        Claim keyTokens = null;
        for (ScopeLimits scope : scopes) {
            Claim requests = scope.requestsClaim();
            if (requests != null) {
                if (scope.isKey()) {
                    keyScope = scope;
                    keyRequests = requests;
                }
                claims.add(requests);
            }
            Claim tokensClaim = model == null ? null : scope.tokensClaim(tokens);
            if (tokensClaim != null) {
                if (scope.isKey()) {
                    keyScope = scope;
                    keyTokens = tokensClaim;
                }
                claims.add(tokensClaim);
            }
            Claim concurrency = scope.concurrencyClaim(now + SLOT_LIFETIME_MILLIS);
            if (concurrency != null) {
                claims.add(concurrency);
            }
            if (model != null) {
                for (BudgetLimit budget : scope.budgets()) {
                    BudgetPeriods.Window period = periods.at(budget.period(), now);
                    seeds = addBudgetClaim(claims, seeds, budget.tokensClaim(period, tokens), scope, period);
                    seeds = addBudgetClaim(claims, seeds, budget.costClaim(period, cost), scope, period);
                }
            }
        }
        for (Claim claim : claims) {
            if (claim.kind() != Claim.Kind.CONCURRENCY && claim.amount() > claim.limit()) {
                throw new PalisadeException(
                        ErrorCode.REQUEST_EXCEEDS_LIMIT,
                        "this request needs up to " + claim.amount()
                                + (claim.measure() == Claim.Measure.COST ? " micro-dollars" : " tokens")
                                + ", more than the limit of "
                                + claim.describe() + " allows at all; lower max_tokens or shorten the prompt",
                        "max_tokens",
                        Map.of(),
                        claim.describe());
            }
        }
        if (claims.isEmpty()) {
            return unreserved(caller, model, now, prompt, output);
        }
        String reservationId = newId();
        Verdict verdict;
        try {
            verdict = counters.reserve(reservationId, claims, now);
            // Only on a miss (a new period, or counters that lost their data): a budget is counted
            // from durable usage, never restarted at 0. Each round seeds one counter; more rounds than
            // claims means counters vanish as fast as they are seeded.
            for (int round = 0; verdict.needsSeed(); round++) {
                if (round > claims.size()) {
                    throw new CountersUnavailableException("budget counters disappear as they are seeded", null);
                }
                seedBudget(seeds, claims.get(verdict.unseededClaim()));
                verdict = counters.reserve(reservationId, claims, now);
            }
        } catch (CountersUnavailableException e) {
            if (config.failOpen()) {
                LOG.warn(
                        "shared counters unreachable; admitting without limits (limits.redis_failure: open): {}",
                        e.getMessage());
                return unreserved(caller, model, now, prompt, output);
            }
            throw new PalisadeException(
                    ErrorCode.LIMITS_UNAVAILABLE,
                    "limits cannot be checked right now, so the request was not processed; try again shortly",
                    null,
                    Map.of("Retry-After", "1"),
                    "shared counters unreachable");
        }
        if (!verdict.admitted()) {
            throw refusal(claims.get(verdict.refusedClaim()), verdict.retryAfterMillis(), keyRequests, keyTokens);
        }
        // No copy: nothing changes the list after this, and the view keeps the ticket's claims read-only.
        return new Ticket(
                reservationId,
                caller,
                model,
                Collections.unmodifiableList(claims),
                now,
                prompt,
                output,
                cost,
                headers(keyScope, verdict, keyRequests, keyTokens));
    }

    /** A ticket with no reservation that still knows its estimate, the usage recorded if the backend reports none. */
    private static Ticket unreserved(Caller caller, String model, long now, long prompt, long output) {
        return new Ticket(null, caller, model, List.of(), now, prompt, output, 0, Map.of());
    }

    /** Unique, not secret: a SecureRandom UUID per request cost ~1 % of the gateway's CPU. */
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    /** A budget claim, with what is needed to seed its counter should it be missing. */
    private record BudgetSeed(Claim claim, ScopeLimits scope, BudgetPeriods.Window period) {}

    /** Adds {@code claim} (if any) and returns the budget claims so far, this one among them. */
    private List<BudgetSeed> addBudgetClaim(
            List<Claim> claims, List<BudgetSeed> seeds, Claim claim, ScopeLimits scope, BudgetPeriods.Window period) {
        if (claim == null) {
            return seeds;
        }
        claims.add(claim);
        List<BudgetSeed> pending = seeds == null ? new ArrayList<>() : seeds;
        pending.add(new BudgetSeed(claim, scope, period));
        return pending;
    }

    /**
     * Seeds the missing counter of {@code claim} from the settled usage of its period. Usage this
     * replica has queued but not yet written is written first, so it is counted too; the counters
     * add this replica's reservations in flight (docs/admission.md: what other replicas' unwritten
     * usage leaves open).
     */
    // A seed belongs to this very claim object (claims of two scopes may be equal in value).
    @SuppressWarnings("ReferenceEquality")
    private void seedBudget(List<BudgetSeed> seeds, Claim claim) {
        for (BudgetSeed seed : seeds) {
            if (seed.claim() != claim) {
                continue;
            }
            recorder.flush();
            ScopeLimits scope = seed.scope();
            UsageStore.UsageTotals totals = usage.totals(
                    scope.scope(),
                    scope.usageValue(),
                    scope.modelPattern(),
                    seed.period().start().toString());
            long counted = claim.measure() == Claim.Measure.COST
                    ? totals.costMicros()
                    : switch (config.tokensCounted()) {
                        case TOTAL -> totals.promptTokens() + totals.completionTokens();
                        case PROMPT -> totals.promptTokens();
                        case COMPLETION -> totals.completionTokens();
                    };
            counters.seedBudget(claim.key(), counted, claim.expiresAtMillis());
            return;
        }
        throw new IllegalStateException("the counters asked to seed a claim that is not a budget: " + claim.describe());
    }

    /** {@code keyRequests} and {@code keyTokens}: the key's own rate claims, or null when it has none. */
    private PalisadeException refusal(Claim claim, long retryAfterMillis, Claim keyRequests, Claim keyTokens) {
        long seconds = Math.max(1, (retryAfterMillis + 999) / 1000);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(seconds));
        if (keyRequests != null) {
            headers.put("x-ratelimit-limit-requests", Long.toString(keyRequests.limit()));
        }
        if (keyTokens != null) {
            headers.put("x-ratelimit-limit-tokens", Long.toString(keyTokens.limit()));
        }
        ErrorCode code;
        String what;
        if (claim.kind() == Claim.Kind.BUDGET) {
            code = ErrorCode.BUDGET_EXCEEDED;
            what = "budget exhausted";
        } else if (claim.kind() == Claim.Kind.CONCURRENCY) {
            code = ErrorCode.CONCURRENCY_LIMITED;
            what = "too many requests in flight";
        } else if (claim.measure() == Claim.Measure.TOKENS) {
            code = ErrorCode.TOKENS_RATE_LIMITED;
            what = "token rate limit reached";
            headers.put("x-ratelimit-remaining-tokens", "0");
            headers.put("x-ratelimit-reset-tokens", seconds + "s");
        } else {
            code = ErrorCode.RATE_LIMITED;
            what = "rate limit reached";
            headers.put("x-ratelimit-remaining-requests", "0");
            headers.put("x-ratelimit-reset-requests", seconds + "s");
        }
        return new PalisadeException(
                code,
                what + " (" + claim.describe() + "); retry after " + seconds + "s",
                null,
                headers,
                claim.describe());
    }

    /** The x-ratelimit-* headers of the key's own limits ({@code keyScope}, whose rate claims are given, or null). */
    private static Map<String, String> headers(
            ScopeLimits keyScope, Verdict verdict, Claim keyRequests, Claim keyTokens) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (keyRequests != null) {
            headers.put("x-ratelimit-limit-requests", keyScope.requestsLimitHeader());
            headers.put("x-ratelimit-remaining-requests", Long.toString(verdict.remaining(keyRequests)));
        }
        if (keyTokens != null) {
            headers.put("x-ratelimit-limit-tokens", keyScope.tokensLimitHeader());
            headers.put("x-ratelimit-remaining-tokens", Long.toString(verdict.remaining(keyTokens)));
        }
        return headers;
    }

    /** The output cap to reserve, after applying the smallest max_output_tokens: clamp or refuse. */
    private long outputCap(ObjectNode body, List<ScopeLimits> scopes) {
        int maxOutput = smallest(scopes, Limits::maxOutputTokens, config.maxOutputTokens());
        long requested = requestedOutput(body);
        if (requested <= 0) {
            long cap = maxOutput > 0 ? Math.min(maxOutput, config.defaultOutputCap()) : config.defaultOutputCap();
            body.put("max_tokens", cap);
            return cap;
        }
        if (maxOutput > 0 && requested > maxOutput) {
            if (!config.clampOutput()) {
                throw new PalisadeException(
                        ErrorCode.OUTPUT_CAP_EXCEEDED,
                        "max_tokens " + requested + " is above the limit of " + maxOutput,
                        "max_tokens",
                        Map.of(),
                        "max_output_tokens " + maxOutput);
            }
            body.put("max_tokens", maxOutput);
            if (body.has("max_completion_tokens")) {
                body.put("max_completion_tokens", maxOutput);
            }
            return maxOutput;
        }
        return requested;
    }

    /** The request's own output cap: max_completion_tokens, max_tokens, or Ollama's options.num_predict; 0 when none. */
    private static long requestedOutput(ObjectNode body) {
        for (JsonNode value : new JsonNode[] {
            body.get("max_completion_tokens"),
            body.get("max_tokens"),
            body.path("options").get("num_predict")
        }) {
            if (value != null && value.isIntegralNumber() && value.asLong() > 0) {
                return value.asLong();
            }
        }
        return 0;
    }

    /** The caller's scopes, each followed by those of its per-model limits that match {@code model}. */
    private List<ScopeLimits> scopes(Caller caller, String model) {
        List<ScopeLimits> scopes = callerScopes.of(caller);
        if (model == null || !hasModelScopes(scopes)) {
            return scopes;
        }
        List<ScopeLimits> applying = new ArrayList<>();
        for (ScopeLimits scope : scopes) {
            applying.add(scope);
            for (ScopeLimits modelScope : scope.modelScopes()) {
                if (modelScope.appliesTo(model)) {
                    applying.add(modelScope);
                }
            }
        }
        return applying;
    }

    private static boolean hasModelScopes(List<ScopeLimits> scopes) {
        for (ScopeLimits scope : scopes) {
            if (!scope.modelScopes().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private long costMicros(String model, long promptTokens, long outputTokens) {
        for (PricedModels priced : pricing) {
            if (priced.models().allows(model)) {
                LimitsConfig.Price price = priced.price();
                return (long)
                        Math.ceil((price.promptPer1k() * promptTokens + price.completionPer1k() * outputTokens) * 1000);
            }
        }
        return 0;
    }

    private UsageStore.UsageEvent event(
            Caller caller, String model, String requestId, long prompt, long output, long cost, String reason) {
        Instant now = clock.instant();
        return new UsageStore.UsageEvent(
                now.toString(),
                now.atZone(ZoneOffset.UTC).toLocalDate().toString(),
                requestId,
                caller.user().id(),
                caller.user().email(),
                caller.teamName(),
                caller.key().id(),
                model,
                prompt,
                output,
                cost,
                reason != null,
                reason);
    }

    private static int smallest(
            List<ScopeLimits> scopes, java.util.function.Function<Limits, Integer> field, int global) {
        int smallest = global;
        for (ScopeLimits scope : scopes) {
            Integer value = field.apply(scope.limits());
            if (positive(value) && (smallest <= 0 || value < smallest)) {
                smallest = value;
            }
        }
        return smallest;
    }

    private static boolean positive(Integer value) {
        return value != null && value > 0;
    }
}
