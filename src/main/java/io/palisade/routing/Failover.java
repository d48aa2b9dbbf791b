package io.palisade.routing;

import io.palisade.auth.Caller;
import io.palisade.config.RoutingConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs one request against a model's deployments until one answers: retries on connection
 * errors, 429, 5xx and timeouts, each retry on a deployment not yet tried while there is one
 * (immediately) or on the same one after an exponential, jittered backoff; then the fallback
 * models in order (the key's list if it has one, else the model's), skipping any the caller may
 * not use. Every attempt must fail before the first byte reaches the caller: the attempt function
 * throws only then (see {@link io.palisade.upstream.EventSink}); an answer that broke later is
 * returned as it is and counted as the deployment's failure. Bounded by {@code max_attempts}
 * per model, {@code max_total_attempts} per request and the time budget. Breakers, in-flight
 * counts and the outcome windows (canary judgement) are fed here. Thread-safe.
 */
public final class Failover {
    private final Router router;
    private final ModelCatalog catalog;
    private final Supplier<RoutingConfig> config;
    private final Clock clock;
    private final Sleeper sleeper;

    /** How the loop waits between tries of the same deployment (a test can count instead of sleep). */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** One attempt on one deployment. Throws {@link PalisadeException} only before any byte went to the caller. */
    public interface Attempt<T> {
        T run(ModelRoute route, Deployment deployment, int number);
    }

    /**
     * The request being served. {@code caller}: who asks (null: no user to keep on one side of a
     * sticky canary, no key fallbacks); {@code mayUse}: the grant check for fallback models;
     * {@code confinedTo}: the one deployment of the route it may use, or null for the router's
     * choice (a confined request is retried only there and never falls back); {@code startNanos}:
     * when it arrived (its retry budget runs from then); {@code firstByteNanos}: when its answer's
     * first byte went out, -1 before (a stream's latency is its time to first byte).
     */
    public record Request(
            Caller caller,
            Predicate<ModelRoute> mayUse,
            Deployment confinedTo,
            long startNanos,
            LongSupplier firstByteNanos) {}

    /** The answer, the deployment that gave it, and every attempt made. */
    public record Result<T>(T value, ModelRoute route, Deployment deployment, List<AttemptRecord> attempts) {}

    /** Thrown when every attempt failed: the last failure, with the attempts for the audit. */
    public static final class Exhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final PalisadeException failure;
        // Never serialized: the exception lives only between the failover loop and its caller.
        private final transient List<AttemptRecord> attempts;

        Exhausted(PalisadeException failure, List<AttemptRecord> attempts) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
            this.attempts = List.copyOf(attempts);
        }

        public PalisadeException failure() {
            return failure;
        }

        public List<AttemptRecord> attempts() {
            return attempts;
        }
    }

    public Failover(Router router, ModelCatalog catalog, Supplier<RoutingConfig> config, Clock clock, Sleeper sleeper) {
        this.router = router;
        this.catalog = catalog;
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * {@code brokenAfterStart} tells an answer that failed after its first byte (a stream cut
     * midway): it is returned, since it cannot be retried, but counts against the deployment.
     */
    public <T> Result<T> run(
            ModelRoute route, Request request, Predicate<? super T> brokenAfterStart, Attempt<T> attempt) {
        RoutingConfig routing = config.get();
        List<AttemptRecord> attempts = new ArrayList<>();
        PalisadeException last = null;
        long deadline = request.startNanos() + routing.retryBudget().toNanos();
        Caller caller = request.caller();
        List<String> fallbacks = request.confinedTo() != null
                ? List.of()
                : caller != null && !caller.key().fallbackModels().isEmpty()
                        ? caller.key().fallbackModels()
                        : route.fallbacks();
        String stickyKey = caller == null ? null : caller.user().id();
        int nextFallback = 0;
        for (ModelRoute model = route; model != null; ) {
            Set<Deployment> tried = new HashSet<>();
            int retriesOfSame = 0;
            for (int onModel = 0;
                    onModel < routing.maxAttempts() && attempts.size() < routing.maxTotalAttempts();
                    onModel++) {
                if (!attempts.isEmpty() && System.nanoTime() >= deadline) {
                    throw exhausted(
                            last,
                            model,
                            attempts,
                            "the retry budget of " + routing.retryBudget().toSeconds() + "s ran out");
                }
                Deployment deployment = request.confinedTo() != null
                        ? router.chooseOnly(request.confinedTo())
                        : router.choose(model, stickyKey, tried);
                if (deployment == null) {
                    if (last == null) {
                        last = nothingRoutable(model, request.confinedTo());
                    }
                    break;
                }
                // The router acquired the deployment's breaker, perhaps as its one half-open trial: however
                // this attempt ends, the breaker hears a success or a failure, or gets the permit back.
                boolean reported = false;
                try {
                    if (tried.contains(deployment) && !pause(routing, retriesOfSame++, deadline)) {
                        throw exhausted(last, model, attempts, "the retry budget ran out");
                    }
                    tried.add(deployment);
                    long began = System.nanoTime();
                    deployment.health().started();
                    try {
                        T value = attempt.run(model, deployment, attempts.size() + 1);
                        boolean broken = brokenAfterStart.test(value);
                        if (broken) {
                            failed(model, deployment, routing);
                        } else {
                            long firstByte = request.firstByteNanos().getAsLong();
                            succeeded(model, deployment, (firstByte > began ? firstByte : System.nanoTime()) - began);
                        }
                        reported = true;
                        // The audit and the attempts metric say what the breaker heard.
                        attempts.add(new AttemptRecord(
                                model.publicName(),
                                deployment.id(),
                                deployment.backendName(),
                                deployment.upstreamModel(),
                                broken ? ErrorCode.UPSTREAM_BAD_RESPONSE.code() : "ok",
                                (System.nanoTime() - began) / 1_000_000));
                        return new Result<>(value, model, deployment, attempts);
                    } catch (PalisadeException e) {
                        attempts.add(new AttemptRecord(
                                model.publicName(),
                                deployment.id(),
                                deployment.backendName(),
                                deployment.upstreamModel(),
                                e.code().code(),
                                (System.nanoTime() - began) / 1_000_000));
                        if (!retryable(e)) {
                            // the caller's own error says nothing about the deployment
                            throw new Exhausted(e, attempts);
                        }
                        failed(model, deployment, routing);
                        reported = true;
                        last = e;
                    } finally {
                        deployment.health().ended();
                    }
                } finally {
                    if (!reported) {
                        deployment.health().breaker().release();
                    }
                }
            }
            if (attempts.size() >= routing.maxTotalAttempts()) {
                break;
            }
            // Fallbacks are resolved only now: the common request never looks them up.
            model = null;
            while (model == null && nextFallback < fallbacks.size()) {
                ModelRoute fallback = catalog.find(fallbacks.get(nextFallback++));
                if (fallback != null
                        && !fallback.publicName().equals(route.publicName())
                        && request.mayUse().test(fallback)) {
                    model = fallback;
                }
            }
        }
        throw exhausted(last, route, attempts, null);
    }

    /** Whether a failure is the backend's and may go better elsewhere: connection, 429, 5xx, timeouts, broken answers. */
    static boolean retryable(PalisadeException e) {
        return switch (e.code()) {
            case UPSTREAM_UNREACHABLE, UPSTREAM_UNAVAILABLE, UPSTREAM_TIMEOUT, UPSTREAM_BAD_RESPONSE -> true;
            default -> false;
        };
    }

    private void succeeded(ModelRoute route, Deployment deployment, long latencyNanos) {
        deployment.health().breaker().success();
        window(route, deployment, false, latencyNanos / 1e6);
    }

    private void failed(ModelRoute route, Deployment deployment, RoutingConfig routing) {
        deployment
                .health()
                .breaker()
                .failure(
                        clock.millis(),
                        routing.breakerFailures(),
                        routing.breakerCoolDown().toMillis());
        window(route, deployment, true, 0);
    }

    /**
     * Outcomes are kept for every configured deployment: the canary's and its baseline's are
     * compared, the rest feed {@code models status}. Nothing reads a discovered model's.
     */
    private void window(ModelRoute route, Deployment deployment, boolean error, double latencyMillis) {
        if (!route.discovered()) {
            deployment.health().window().record(clock.millis(), error, latencyMillis);
        }
    }

    private static PalisadeException nothingRoutable(ModelRoute model, Deployment confinedTo) {
        String message = confinedTo != null
                ? "the deployment '" + confinedTo.id() + "' of the model '" + model.publicName()
                        + "' cannot take requests right now" + " (unhealthy or drifted)"
                : "no deployment of the model '" + model.publicName()
                        + "' can take requests right now (all are unhealthy or paused)";
        return new PalisadeException(
                ErrorCode.UPSTREAM_UNAVAILABLE, message, null, java.util.Map.of("Retry-After", "5"));
    }

    /** Sleeps before retrying the same deployment; false when the pause would overrun the budget. */
    private boolean pause(RoutingConfig routing, int retry, long deadline) {
        long ceiling =
                Math.min(routing.backoffMax().toMillis(), routing.backoff().toMillis() << Math.min(retry, 20));
        long millis = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        if (System.nanoTime() + millis * 1_000_000 >= deadline) {
            return false;
        }
        try {
            sleeper.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Exhausted exhausted(
            PalisadeException last, ModelRoute route, List<AttemptRecord> attempts, String why) {
        PalisadeException failure = last != null
                ? last
                : new PalisadeException(
                        ErrorCode.UPSTREAM_UNAVAILABLE,
                        "no deployment of the model '" + route.publicName() + "' answered");
        if (attempts.size() > 1) {
            failure = new PalisadeException(
                    failure.code(),
                    failure.getMessage() + " (after " + attempts.size() + " attempts" + (why == null ? "" : "; " + why)
                            + ")",
                    failure.param(),
                    failure.headers(),
                    failure.limit());
        }
        return new Exhausted(failure, attempts);
    }
}
