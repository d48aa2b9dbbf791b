package io.palisade.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs an evaluation in two passes: every answer is generated first, the generator is unloaded
 * (where the backend can), then the judge scores everything — so two large models never have to
 * share a GPU. Planted right and wrong answers check the judge itself. Thread-safe per run: make
 * one runner per run.
 */
public final class EvalRunner {
    private static final int JUDGE_ATTEMPTS = 3;

    private final EvalGateway gateway;
    private final DeterministicChecks checks;
    private final JudgeProtocol judge;
    private final EvalProgress progress;

    public EvalRunner(EvalGateway gateway, ObjectMapper json, EvalProgress progress) {
        this.gateway = gateway;
        this.checks = new DeterministicChecks(json);
        this.judge = new JudgeProtocol(json);
        this.progress = progress;
    }

    /** The independence verdict: {independent, why}; throws when the judge may not be used. */
    public Independence independence(EvalRequest request) {
        if (request.generator().equals(request.judge())) {
            throw new EvalException(
                    EvalException.Kind.CONFIGURATION,
                    "the judge must not be the generator (" + request.generator()
                            + "): a model never grades its own answers");
        }
        String generatorFamily = gateway.family(request.generator());
        String judgeFamily = gateway.family(request.judge());
        if (generatorFamily != null && judgeFamily != null && !generatorFamily.equalsIgnoreCase(judgeFamily)) {
            return new Independence(
                    true, "different models and families (" + generatorFamily + " vs " + judgeFamily + ")");
        }
        String why = generatorFamily == null || judgeFamily == null
                ? "the family of " + (generatorFamily == null ? request.generator() : request.judge()) + " is unknown"
                : "both models are of the " + generatorFamily + " family";
        if (!request.allowSameFamily()) {
            throw new EvalException(
                    EvalException.Kind.CONFIGURATION,
                    why + "; a judge from another family is required"
                            + " (set models[].family in the config, or pass --allow-same-family to accept a weaker judge)");
        }
        return new Independence(false, why + "; allowed by --allow-same-family");
    }

    public record Independence(boolean independent, String reason) {}

    /** Pass one: every case, {@code repeat} times, through the generator. */
    public List<CaseResult> generate(EvalRequest request) {
        List<GoldenCase> cases = request.golden().cases();
        progress.phase("generating", cases.size() * request.repeat());
        List<Work<CaseResult>> work = new ArrayList<>();
        for (int repeat = 0; repeat < request.repeat(); repeat++) {
            for (GoldenCase goldenCase : cases) {
                int index = repeat;
                work.add(() -> answer(request, goldenCase, index));
            }
        }
        return runAll(
                work,
                request.concurrency(),
                result -> progress.step(result.generationError() == null && result.checksPassed()));
    }

    /** Frees the generator before the judge loads. */
    public EvalGateway.Unloaded unloadGenerator(EvalRequest request) {
        progress.phase("unloading generator", 1);
        try {
            return gateway.unload(request.generator());
        } catch (EvalException e) {
            return EvalGateway.Unloaded.NOT_DONE;
        }
    }

    /** Pass two: the judge scores every answer (empty answers fail without asking it). */
    public List<CaseResult> judge(EvalRequest request, List<CaseResult> answers) {
        progress.phase("judging", answers.size());
        List<Work<CaseResult>> work = new ArrayList<>();
        for (CaseResult answer : answers) {
            work.add(() -> score(request, answer));
        }
        return runAll(work, request.concurrency(), result -> progress.step(result.passed()));
    }

    /** How the judge did on planted answers: right ones it failed, wrong ones it passed, out of how many of each. */
    public record JudgeSanity(int rightFailed, int wrongPassed, int plantedRight, int plantedWrong) {}

    /**
     * Feeds the judge planted answers: each case's own reference (must pass) and another case's
     * reference (must fail).
     */
    public JudgeSanity sanity(EvalRequest request) {
        List<GoldenCase> withReference = request.golden().cases().stream()
                .filter(c -> c.reference() != null && !c.reference().isBlank())
                .toList();
        int count = Math.min(request.sanityCases(), withReference.size());
        progress.phase("checking the judge", count * 2);
        List<Work<Boolean>> work = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GoldenCase goldenCase = withReference.get(i * withReference.size() / Math.max(1, count));
            GoldenCase other = withReference.get(
                    (withReference.indexOf(goldenCase) + withReference.size() / 2 + 1) % withReference.size());
            work.add(() -> verdictOf(request, goldenCase, goldenCase.reference(), true));
            work.add(() -> verdictOf(request, goldenCase, other.reference(), false));
        }
        List<Boolean> correct = runAll(work, request.concurrency(), ok -> progress.step(ok));
        int rightFailed = 0;
        int wrongPassed = 0;
        for (int i = 0; i < correct.size(); i++) {
            if (!correct.get(i)) {
                if (i % 2 == 0) {
                    rightFailed++;
                } else {
                    wrongPassed++;
                }
            }
        }
        return new JudgeSanity(rightFailed, wrongPassed, count, count);
    }

    private boolean verdictOf(EvalRequest request, GoldenCase goldenCase, String plantedAnswer, boolean shouldPass) {
        JudgeVerdict verdict = ask(request, goldenCase, plantedAnswer).verdict();
        return verdict != null && verdict.pass() == shouldPass;
    }

    private CaseResult answer(EvalRequest request, GoldenCase goldenCase, int repeat) {
        long start = System.nanoTime();
        String answer = "";
        String error = null;
        try {
            answer = JudgeProtocol.stripThinking(gateway.chat(
                    request.generator(),
                    goldenCase.question(),
                    new EvalGateway.ChatOptions(request.generatorMaxTokens(), null, true, null)));
        } catch (EvalException e) {
            error = e.getMessage();
        }
        double latency = (System.nanoTime() - start) / 1e6;
        return new CaseResult(
                goldenCase.id(),
                repeat,
                goldenCase.category(),
                answer,
                latency,
                error,
                checks.run(goldenCase, answer),
                null,
                0,
                false);
    }

    private CaseResult score(EvalRequest request, CaseResult answer) {
        if (answer.generationError() != null || answer.answer().isBlank()) {
            return answer.judged(
                    new JudgeVerdict(
                            false,
                            0,
                            answer.generationError() != null ? "no answer: generation failed" : "empty answer"),
                    0,
                    false);
        }
        GoldenCase goldenCase = request.golden().cases().stream()
                .filter(c -> c.id().equals(answer.caseId()))
                .findFirst()
                .orElseThrow();
        Asked asked = ask(request, goldenCase, answer.answer());
        return answer.judged(asked.verdict(), asked.attempts(), asked.verdict() == null);
    }

    private record Asked(JudgeVerdict verdict, int attempts) {}

    /** Asks the judge, retrying unparseable verdicts; a verdict still missing after that is a judge error. */
    private Asked ask(EvalRequest request, GoldenCase goldenCase, String answer) {
        String prompt = judge.prompt(goldenCase.question(), goldenCase.keyPoints(), goldenCase.reference(), answer);
        for (int attempt = 1; attempt <= JUDGE_ATTEMPTS; attempt++) {
            try {
                JudgeVerdict verdict = judge.parse(gateway.chat(
                        request.judge(),
                        prompt,
                        new EvalGateway.ChatOptions(request.judgeMaxTokens(), 0.0, true, judge.schema())));
                if (verdict != null) {
                    return new Asked(verdict, attempt);
                }
            } catch (EvalException e) {
                // a failed judge call counts as an unparseable verdict: retried, then a judge error
            }
        }
        return new Asked(null, JUDGE_ATTEMPTS);
    }

    private interface Work<T> {
        T run();
    }

    private static <T> List<T> runAll(List<Work<T>> work, int concurrency, java.util.function.Consumer<T> onEach) {
        Semaphore slots = new Semaphore(concurrency);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Work<T> item : work) {
                futures.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        T result = item.run();
                        onEach.accept(result);
                        return result;
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return Collections.unmodifiableList(results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EvalException(EvalException.Kind.CONNECTIVITY, "the evaluation was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EvalException eval) {
                throw eval;
            }
            throw new IllegalStateException("evaluation step failed", e.getCause());
        }
    }
}
