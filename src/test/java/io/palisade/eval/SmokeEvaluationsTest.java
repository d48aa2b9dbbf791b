package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.Await;
import io.palisade.MutableClock;
import io.palisade.config.SmokeEvalConfig;
import io.palisade.store.Database;
import io.palisade.store.EvalStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the smoke evaluation starts runs by itself: on schedule (virtual time: the test moves the
 * clock and calls the scheduler's tick), on drift, never twice at once for a model. The model
 * answers wait on a latch, so a run stays in progress exactly as long as the test wants.
 */
class SmokeEvaluationsTest {
    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    private static final SmokeEvalConfig SMOKE = new SmokeEvalConfig(
            List.of("gen-a", "gen-b"), "judge", 0.7, null, Duration.ofHours(24), Duration.ofDays(7), false);

    private final MutableClock clock = new MutableClock(START);
    private final CountDownLatch answers = new CountDownLatch(1);
    private final AtomicReference<SmokeEvalConfig> config = new AtomicReference<>(SMOKE);
    private EvalStore store;
    private EvalService evals;

    private SmokeEvaluations smoke(Path dir) {
        store = new EvalStore(Database.open("sqlite:" + dir.resolve("smoke.db")));
        evals = new EvalService(store, new ObjectMapper(), clock, (id, request) -> new HeldGateway(answers));
        // Automatic starts run on the calling thread here, so each call has started its runs when it returns.
        return new SmokeEvaluations(evals, config::get, clock, Runnable::run);
    }

    @AfterEach
    void letRunsEnd() {
        answers.countDown();
        if (evals != null) {
            Await.until(
                    Duration.ofSeconds(20),
                    () -> evals.runs(100).stream()
                            .allMatch(r -> evals.progress(r.id()).isEmpty()),
                    "every run to end");
        }
    }

    @Test
    void theScheduleStartsOneRunPerModelEachPeriodAndNoneBefore(@TempDir Path dir) {
        SmokeEvaluations smoke = smoke(dir);
        smoke.runDue();
        assertThat(store.runs(100)).as("nothing is due at start").isEmpty();

        clock.advance(Duration.ofHours(24).minusSeconds(1));
        smoke.runDue();
        assertThat(store.runs(100)).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        smoke.runDue();
        smoke.runDue();
        assertThat(store.runs(100))
                .extracting(EvalStore.RunRow::generator, EvalStore.RunRow::owner)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("gen-a", "schedule"),
                        org.assertj.core.groups.Tuple.tuple("gen-b", "schedule"));

        clock.advance(Duration.ofHours(24));
        smoke.runDue();
        assertThat(store.runs(100))
                .as("a run still in progress is not started again")
                .hasSize(2);

        answers.countDown();
        letRunsEnd();
        smoke.runDue();
        assertThat(store.runs(100)).hasSize(4);
    }

    @Test
    void aRestartKeepsTheScheduleOfTheStoredRuns(@TempDir Path dir) {
        SmokeEvaluations smoke = smoke(dir);
        smoke.remember(List.of(row("eval_old", "gen-a", START.minus(Duration.ofHours(23)))));
        clock.advance(Duration.ofHours(1));
        smoke.runDue();
        assertThat(store.runs(100))
                .as("gen-a is due a day after its stored run; gen-b a day after the start")
                .extracting(EvalStore.RunRow::generator)
                .containsExactly("gen-a");
    }

    @Test
    void aDriftStartsOneRunOfThatModelWhileNoneIsInProgress(@TempDir Path dir) {
        SmokeEvaluations smoke = smoke(dir);
        smoke.driftDetected("gen-b");
        smoke.driftDetected("gen-b");
        smoke.driftDetected("judge");
        assertThat(store.runs(100))
                .extracting(EvalStore.RunRow::generator, EvalStore.RunRow::owner)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gen-b", "drift:gen-b"));

        config.set(SmokeEvalConfig.NOT_CONFIGURED);
        smoke.driftDetected("gen-a");
        assertThat(store.runs(100)).hasSize(1);
    }

    @Test
    void startingWithoutConfigurationIsAConfigurationError(@TempDir Path dir) {
        SmokeEvaluations smoke = smoke(dir);
        config.set(SmokeEvalConfig.NOT_CONFIGURED);
        assertThatThrownBy(() -> smoke.start(new EvalOwner(EvalOwner.Kind.CLI, "ops")))
                .isInstanceOf(EvalException.class)
                .hasMessageContaining("eval.smoke is not configured")
                .extracting(e -> ((EvalException) e).kind())
                .isEqualTo(EvalException.Kind.CONFIGURATION);
        config.set(SMOKE);
        List<SmokeEvaluations.Started> started = smoke.start(new EvalOwner(EvalOwner.Kind.UPGRADE, "1.0.0->1.1.0"));
        assertThat(started).extracting(SmokeEvaluations.Started::model).containsExactly("gen-a", "gen-b");
        assertThat(store.runs(100)).allSatisfy(run -> {
            assertThat(run.owner()).isEqualTo("upgrade:1.0.0->1.1.0");
            assertThat(run.goldenName()).isEqualTo("smoke");
        });
    }

    private static EvalStore.RunRow row(String id, String generator, Instant created) {
        return new EvalStore.RunRow(
                id,
                created.toString(),
                created.toString(),
                "pass",
                generator,
                "judge",
                "smoke",
                "sha256:x",
                "{}",
                "{}",
                "schedule");
    }

    /** Answers only once the latch opens; families differ, so the judge is independent. */
    private record HeldGateway(CountDownLatch open) implements EvalGateway {
        @Override
        public String chat(String model, String prompt, ChatOptions options) {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "no idea";
        }

        @Override
        public String family(String model) {
            return model.equals("judge") ? "gemma" : "llama-" + model;
        }

        @Override
        public Unloaded unload(String model) {
            return Unloaded.NOT_DONE;
        }
    }
}
