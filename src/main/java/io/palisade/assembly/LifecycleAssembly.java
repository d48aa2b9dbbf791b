package io.palisade.assembly;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.admin.EvalIdentity;
import io.palisade.config.ConfigSource;
import io.palisade.config.PalisadeConfig;
import io.palisade.eval.EvalGateway;
import io.palisade.eval.EvalRequest;
import io.palisade.eval.EvalService;
import io.palisade.eval.HttpEvalGateway;
import io.palisade.eval.QualityLedger;
import io.palisade.eval.SmokeEvaluations;
import io.palisade.lifecycle.CanaryJudge;
import io.palisade.lifecycle.CanaryStates;
import io.palisade.lifecycle.ConfigReloader;
import io.palisade.lifecycle.GgufDigests;
import io.palisade.lifecycle.ModelLifecycle;
import io.palisade.lifecycle.PinMonitor;
import io.palisade.lifecycle.PinVerifier;
import io.palisade.metrics.EvalMetrics;
import io.palisade.metrics.LifecycleMetrics;
import io.palisade.routing.Failover;
import io.palisade.routing.ModelFamilies;
import io.palisade.routing.Router;
import io.palisade.store.EvalStore;
import io.palisade.upstream.BackgroundChecks;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Models over time: the live config and its reloads, canary states and their judge, routing and
 * failover by them, evaluations and the model lifecycle they gate, and pinned weights. Owns two
 * scheduler threads: "palisade-canary" for the canary poll and judge and the smoke-evaluation schedule (store-bound; a rollback waits
 * up to 10 s for its audit commit) and "palisade-config-watch" for the config-file watch and the
 * pin-check schedule (a reload asks no backend anything; pin checks run on this assembly's
 * {@link BackgroundChecks}), so a slow store never delays a reload. Evaluation runs start their own
 * threads per run.
 */
public final class LifecycleAssembly implements Assembly {
    // The config in force: replaced as a whole by each successful reload, read by routing and the admin API.
    private final AtomicReference<PalisadeConfig> current;
    private final CanaryStates canaryStates;
    private final LifecycleMetrics metrics;
    private final Failover failover;
    private static final int RUNS_LOADED_AT_START = 500;

    private final EvalService evals;
    private final SmokeEvaluations smoke;
    private final ModelLifecycle lifecycle;
    private final PinMonitor pins;
    private final ConfigReloader reloader;
    private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
    private final ScheduledThreadPoolExecutor canaryThread;
    private final ScheduledThreadPoolExecutor watchThread;
    private final BackgroundChecks checks;

    public LifecycleAssembly(
            ConfigSource source,
            PalisadeConfig config,
            StoreAssembly store,
            ObservabilityAssembly observability,
            IdentityAssembly identity,
            BackendsAssembly backends,
            AuditAssembly audit,
            URI self,
            ObjectMapper json,
            Clock clock) {
        this.canaryThread = SchedulerThread.named("palisade-canary");
        this.watchThread = SchedulerThread.named("palisade-config-watch");
        this.checks = new BackgroundChecks();
        try {
            this.current = new AtomicReference<>(config);
            this.canaryStates = new CanaryStates(store.canaryStates());
            canaryStates.reload();
            schedules.add(canaryThread.scheduleWithFixedDelay(canaryStates::reload, 1, 1, TimeUnit.SECONDS));
            this.metrics =
                    new LifecycleMetrics(observability.metrics().registry(), backends.catalog()::all, canaryStates);
            Router router = new Router(canaryStates, () -> current.get().routing(), backends.health()::down, clock);
            this.failover =
                    new Failover(router, backends.catalog(), () -> current.get().routing(), clock, Thread::sleep);

            EvalIdentity evalIdentity = new EvalIdentity(identity.admin(), clock);
            ModelFamilies families = backends.families();
            this.evals = new EvalService(
                    store.evals(),
                    json,
                    clock,
                    (runId, request) -> new HttpEvalGateway(
                            self,
                            evalIdentity.keyFor(runId, request),
                            json,
                            new InProcessModels(families, request),
                            request.generator(),
                            request.generatorDeployment()));
            this.lifecycle = new ModelLifecycle(
                    backends.catalog(),
                    canaryStates,
                    evals,
                    audit.trail(),
                    metrics,
                    () -> current.get().routing().promotionRequiresEval(),
                    json,
                    clock);
            // Evaluations gate canary promotion: the lifecycle hears of every finished run.
            evals.addListener(lifecycle::evaluationFinished);
            evals.abandonInterruptedRuns();
            // The smoke evaluation and the quality metrics start from the newest stored runs (one read, here).
            List<EvalStore.RunRow> recentRuns = store.evals().runs(RUNS_LOADED_AT_START);
            QualityLedger quality = new QualityLedger(evals::run, json);
            quality.load(recentRuns);
            evals.addListener(quality);
            new EvalMetrics(
                    observability.metrics().registry(),
                    quality,
                    () -> current.get().smokeEval(),
                    clock);
            this.smoke = new SmokeEvaluations(
                    evals,
                    () -> current.get().smokeEval(),
                    clock,
                    start -> Thread.ofVirtual().name("smoke-start").start(start));
            smoke.remember(recentRuns);
            schedules.add(canaryThread.scheduleWithFixedDelay(smoke::runDueQuietly, 1, 1, TimeUnit.SECONDS));
            CanaryJudge judge = new CanaryJudge(backends.catalog(), canaryStates, lifecycle, clock);
            schedules.add(canaryThread.scheduleWithFixedDelay(judge::judgeAll, 1, 1, TimeUnit.SECONDS));

            this.pins = new PinMonitor(
                    new PinVerifier(new GgufDigests(), clock),
                    current::get,
                    backends.catalog(),
                    audit.trail(),
                    metrics,
                    smoke::driftDetected);
            // Pinned deployments take no traffic until this first round has checked them
            // (DeploymentHealth#pinUnchecked).
            Runnable checkPins = () -> checks.request("pins", pins::checkAllQuietly);
            checkPins.run();
            long verifyEvery = config.routing().verifyInterval().toMillis();
            if (verifyEvery > 0) {
                schedules.add(
                        watchThread.scheduleWithFixedDelay(checkPins, verifyEvery, verifyEvery, TimeUnit.MILLISECONDS));
            }
            this.reloader = new ConfigReloader(
                    source, current, backends.catalog(), backends.factory(), audit.trail(), metrics, () -> {
                        pins.clearUnpinned();
                        checkPins.run();
                    });
            if (config.routing().watchConfig() && source.file() != null) {
                schedules.add(
                        watchThread.scheduleWithFixedDelay(reloader::reloadIfFileChanged, 2, 2, TimeUnit.SECONDS));
            }
        } catch (RuntimeException e) {
            stopThreads(); // not yet an assembly anyone will close
            throw e;
        }
    }

    /** The two model questions of an evaluation run, answered in-process from the catalog. */
    private record InProcessModels(ModelFamilies families, EvalRequest request) implements EvalGateway.Models {
        @Override
        public String family(String model) {
            ModelFamilies.Family family = families.of(model);
            return family == null ? null : family.name();
        }

        @Override
        public EvalGateway.Unloaded unload(String model) {
            // A canary run's generator is unloaded on the deployment under evaluation, not the primary.
            String deployment = model.equals(request.generator()) ? request.generatorDeployment() : null;
            var unload = families.unload(model, deployment);
            return new EvalGateway.Unloaded(unload.supported(), unload.confirmed());
        }
    }

    /** The config in force now. */
    public PalisadeConfig currentConfig() {
        return current.get();
    }

    public CanaryStates canaryStates() {
        return canaryStates;
    }

    public LifecycleMetrics metrics() {
        return metrics;
    }

    public Failover failover() {
        return failover;
    }

    public EvalService evals() {
        return evals;
    }

    public SmokeEvaluations smoke() {
        return smoke;
    }

    public ModelLifecycle lifecycle() {
        return lifecycle;
    }

    public PinMonitor pins() {
        return pins;
    }

    public ConfigReloader reloader() {
        return reloader;
    }

    /** Cancels its schedules, then stops its threads; runs before the backends and the audit close. */
    @Override
    public void close() {
        schedules.forEach(schedule -> schedule.cancel(false));
        stopThreads();
    }

    private void stopThreads() {
        watchThread.shutdownNow();
        canaryThread.shutdownNow();
        checks.close();
    }
}
