package io.palisade.routing;

import io.palisade.config.RoutingConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Picks the deployment for one attempt. First the side: a live canary takes its percentage of
 * requests (by a hash of the user when sticky, by chance otherwise), a promoted one takes all, a
 * rolled-back one none. Then, among that side's routable deployments not yet tried, the weighted
 * power of two choices: two draws by weight, the one with fewer requests in flight per unit of
 * weight wins. Idle, that is exactly the configured weights; under load it steers away from the
 * busier deployment. Routable means: its circuit breaker lets a request through, it is neither
 * drifted nor pinned and not checked yet (unless drift only alerts), and its backend did not fail
 * its last active probe, the last condition being waived when nothing else is left. Thread-safe and allocation-light: it runs on
 * every request.
 */
public final class Router {
    private final CanaryPhase.Source phases;
    private final Supplier<RoutingConfig> config;
    private final Predicate<String> backendDown;
    private final Clock clock;

    /** {@code backendDown}: true when the backend's last active probe failed. */
    public Router(
            CanaryPhase.Source phases, Supplier<RoutingConfig> config, Predicate<String> backendDown, Clock clock) {
        this.phases = phases;
        this.config = config;
        this.backendDown = backendDown;
        this.clock = clock;
    }

    /**
     * The deployment for the next attempt, with its breaker acquired; null when none can take a
     * request. Deployments in {@code tried} are avoided while others remain. {@code stickyKey}
     * (the user id, nullable) decides the side of a sticky canary.
     */
    public Deployment choose(ModelRoute route, String stickyKey, Set<Deployment> tried) {
        long now = clock.millis();
        boolean stopOnDrift = config.get().stopOnDrift();
        List<Deployment> preferred;
        List<Deployment> others;
        Deployment canary = route.canary();
        CanaryPhase phase = canary == null ? null : phases.phase(route.publicName(), canary.id());
        List<Deployment> baseline = route.deployments();
        if (canary != null && takesCanary(route, phase, stickyKey)) {
            preferred = List.of(canary);
            others = baseline;
        } else {
            preferred = baseline;
            others = canary != null && phase != CanaryPhase.ROLLED_BACK ? List.of(canary) : List.of();
        }
        List<Deployment> excluded = new ArrayList<>(2);
        for (int pass = 0; pass < 3; pass++) {
            while (true) {
                Deployment pick = switch (pass) {
                    case 0 -> pick(preferred, tried, excluded, now, stopOnDrift, true, false);
                    case 1 -> pick(others, tried, excluded, now, stopOnDrift, true, false);
                    default -> {
                        Deployment again = pick(preferred, tried, excluded, now, stopOnDrift, false, true);
                        yield again != null ? again : pick(others, tried, excluded, now, stopOnDrift, false, true);
                    }
                };
                if (pick == null) {
                    break;
                }
                if (pick.health().breaker().tryAcquire(now)) {
                    return pick;
                }
                excluded.add(pick);
            }
        }
        return null;
    }

    /**
     * {@code deployment} alone, with its breaker acquired, for a request confined to it; null when
     * it is not routable. Its weight does not count (0 drains a deployment from its model's traffic,
     * it does not hide it from an operator testing it), nor does its backend's probe (nothing else
     * would be better), nor its canary phase.
     */
    public Deployment chooseOnly(Deployment deployment) {
        long now = clock.millis();
        return routable(deployment, now, config.get().stopOnDrift(), true)
                        && deployment.health().breaker().tryAcquire(now)
                ? deployment
                : null;
    }

    /** Whether this request goes to the canary side, by the canary's share in {@code phase}. */
    private boolean takesCanary(ModelRoute route, CanaryPhase phase, String stickyKey) {
        double percent = route.canaryShare(phase);
        if (percent <= 0) {
            return false;
        }
        if (percent >= 100) {
            return true;
        }
        if (route.canaryConfig().sticky() && stickyKey != null) {
            int hash = (stickyKey + '\u0000' + route.publicName()).hashCode();
            return Math.floorMod(hash * 0x9E3779B9, 10_000) < percent * 100;
        }
        return ThreadLocalRandom.current().nextDouble() * 100 < percent;
    }

    private Deployment pick(
            List<Deployment> pool,
            Set<Deployment> tried,
            List<Deployment> excluded,
            long now,
            boolean stopOnDrift,
            boolean untriedOnly,
            boolean probeWaived) {
        List<Deployment> candidates = new ArrayList<>(pool.size());
        int total = 0;
        for (Deployment deployment : pool) {
            if (eligible(deployment, tried, excluded, now, stopOnDrift, untriedOnly, probeWaived)) {
                candidates.add(deployment);
                total += deployment.weight();
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        Deployment first = draw(candidates, total);
        if (candidates.size() == 1) {
            return first;
        }
        Deployment second = draw(candidates, total);
        return load(second) < load(first) ? second : first;
    }

    private static Deployment draw(List<Deployment> candidates, int total) {
        int ticket = ThreadLocalRandom.current().nextInt(total);
        for (Deployment deployment : candidates) {
            ticket -= deployment.weight();
            if (ticket < 0) {
                return deployment;
            }
        }
        return candidates.get(candidates.size() - 1);
    }

    private boolean eligible(
            Deployment deployment,
            Set<Deployment> tried,
            List<Deployment> excluded,
            long now,
            boolean stopOnDrift,
            boolean untriedOnly,
            boolean probeWaived) {
        return deployment.weight() > 0
                && !(untriedOnly && tried.contains(deployment))
                && !excluded.contains(deployment)
                && routable(deployment, now, stopOnDrift, probeWaived);
    }

    private boolean routable(Deployment deployment, long now, boolean stopOnDrift, boolean probeWaived) {
        return !(stopOnDrift
                        && (deployment.health().drifted() || deployment.health().pinUnchecked()))
                && (probeWaived || !backendDown.test(deployment.backendName()))
                && deployment.health().breaker().available(now);
    }

    private static double load(Deployment deployment) {
        return (double) deployment.health().inFlight() / deployment.weight();
    }
}
