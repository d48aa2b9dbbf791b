package io.palisade.simulate;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Settings of a {@link Simulator}. Immutable and validated on construction: every invalid value
 * throws {@link IllegalArgumentException} naming the offending field.
 *
 * @param host address to bind
 * @param port port to bind, 0 for a random free port
 * @param models model names served, in listing order, e.g. {@code "llama3.2:1b"}
 * @param latency delay added before the first byte of every inference response
 * @param tokensPerSecond generation pace; 0 means instant
 * @param errorRate fraction (0..1) of inference requests answered with HTTP 500
 * @param disconnectRate fraction (0..1) of streaming requests whose connection is cut midway
 * @param seed seed of the failure dice, the default generation seed, and the dice that decide
 *     whether a known question is answered right
 * @param knowledge questions the models answer with a known right or wrong answer (evaluation tests)
 * @param accuracy per model name, the probability (0..1) of answering a known question right; models
 *     not listed always answer right
 * @param judgeModes per model name, how that model grades answers when asked to judge; models not
 *     listed are not judges
 */
public record SimulatorConfig(
        String host,
        int port,
        List<String> models,
        Duration latency,
        double tokensPerSecond,
        double errorRate,
        double disconnectRate,
        long seed,
        List<KnownAnswer> knowledge,
        Map<String, Double> accuracy,
        Map<String, JudgeMode> judgeModes) {

    public SimulatorConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
        models = validModels(models);
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("latency must be zero or positive, was " + latency);
        }
        if (!(tokensPerSecond >= 0) || Double.isInfinite(tokensPerSecond)) {
            throw new IllegalArgumentException("tokensPerSecond must be a finite number >= 0, was " + tokensPerSecond);
        }
        requireFraction("errorRate", errorRate);
        requireFraction("disconnectRate", disconnectRate);
        knowledge = validKnowledge(knowledge);
        accuracy = validAccuracy(accuracy);
        judgeModes = validJudgeModes(judgeModes);
    }

    /** Settings without evaluation doubles: no known answers, no judges. */
    public SimulatorConfig(
            String host,
            int port,
            List<String> models,
            Duration latency,
            double tokensPerSecond,
            double errorRate,
            double disconnectRate,
            long seed) {
        this(
                host,
                port,
                models,
                latency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                List.of(),
                Map.of(),
                Map.of());
    }

    /**
     * 127.0.0.1:11434 (Ollama's port), three small models, no delays, no failures, seed 42, no known
     * answers and no judges.
     */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig(
                "127.0.0.1",
                11_434,
                List.of("llama3.2:1b", "qwen3:0.6b", "nomic-embed-text"),
                Duration.ZERO,
                0,
                0,
                0,
                42);
    }

    public SimulatorConfig withHost(String newHost) {
        return new SimulatorConfig(
                newHost,
                port,
                models,
                latency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                knowledge,
                accuracy,
                judgeModes);
    }

    public SimulatorConfig withPort(int newPort) {
        return new SimulatorConfig(
                host,
                newPort,
                models,
                latency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                knowledge,
                accuracy,
                judgeModes);
    }

    public SimulatorConfig withModels(List<String> newModels) {
        return new SimulatorConfig(
                host,
                port,
                newModels,
                latency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                knowledge,
                accuracy,
                judgeModes);
    }

    public SimulatorConfig withLatency(Duration newLatency) {
        return new SimulatorConfig(
                host,
                port,
                models,
                newLatency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                knowledge,
                accuracy,
                judgeModes);
    }

    public SimulatorConfig withTokensPerSecond(double newTokensPerSecond) {
        return new SimulatorConfig(
                host,
                port,
                models,
                latency,
                newTokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                knowledge,
                accuracy,
                judgeModes);
    }

    public SimulatorConfig withErrorRate(double newErrorRate) {
        return new SimulatorConfig(
                host,
                port,
                models,
                latency,
                tokensPerSecond,
                newErrorRate,
                disconnectRate,
                seed,
                knowledge,
                accuracy,
                judgeModes);
    }

    public SimulatorConfig withDisconnectRate(double newDisconnectRate) {
        return new SimulatorConfig(
                host,
                port,
                models,
                latency,
                tokensPerSecond,
                errorRate,
                newDisconnectRate,
                seed,
                knowledge,
                accuracy,
                judgeModes);
    }

    public SimulatorConfig withSeed(long newSeed) {
        return new SimulatorConfig(
                host,
                port,
                models,
                latency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                newSeed,
                knowledge,
                accuracy,
                judgeModes);
    }

    /** Replaces the known questions; see {@link KnownAnswer}. */
    public SimulatorConfig withKnowledge(List<KnownAnswer> newKnowledge) {
        return new SimulatorConfig(
                host,
                port,
                models,
                latency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                newKnowledge,
                accuracy,
                judgeModes);
    }

    /** Replaces the per-model accuracies on known questions; unlisted models answer right every time. */
    public SimulatorConfig withAccuracy(Map<String, Double> newAccuracy) {
        return new SimulatorConfig(
                host,
                port,
                models,
                latency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                knowledge,
                newAccuracy,
                judgeModes);
    }

    /** Replaces the judge models and how each grades; see {@link JudgeMode}. */
    public SimulatorConfig withJudgeModes(Map<String, JudgeMode> newJudgeModes) {
        return new SimulatorConfig(
                host,
                port,
                models,
                latency,
                tokensPerSecond,
                errorRate,
                disconnectRate,
                seed,
                knowledge,
                accuracy,
                newJudgeModes);
    }

    private static List<String> validModels(List<String> models) {
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("models must name at least one model");
        }
        var seen = new HashSet<String>();
        for (String model : models) {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("models must not contain blank names");
            }
            if (!seen.add(model)) {
                throw new IllegalArgumentException("models contains " + model + " twice");
            }
        }
        return List.copyOf(models);
    }

    private static void requireFraction(String field, double value) {
        // Written as a negated range check so that NaN is rejected too.
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], was " + value);
        }
    }

    /** The same question twice is fine as long as both entries agree; otherwise the answer is ambiguous. */
    private static List<KnownAnswer> validKnowledge(List<KnownAnswer> knowledge) {
        if (knowledge == null) {
            throw new IllegalArgumentException("knowledge must not be null; use an empty list for none");
        }
        var byQuestion = new HashMap<String, KnownAnswer>();
        for (KnownAnswer known : knowledge) {
            if (known == null) {
                throw new IllegalArgumentException("knowledge must not contain null entries");
            }
            KnownAnswer earlier = byQuestion.putIfAbsent(known.matchedQuestion(), known);
            if (earlier != null
                    && (!earlier.correctAnswer().equals(known.correctAnswer())
                            || !earlier.wrongAnswer().equals(known.wrongAnswer()))) {
                throw new IllegalArgumentException(
                        "knowledge has different answers for the question \"" + known.matchedQuestion() + "\"");
            }
        }
        return List.copyOf(knowledge);
    }

    private static Map<String, Double> validAccuracy(Map<String, Double> accuracy) {
        if (accuracy == null) {
            throw new IllegalArgumentException("accuracy must not be null; use an empty map for none");
        }
        accuracy.forEach((model, fraction) -> {
            requireModelName("accuracy", model);
            if (fraction == null) {
                throw new IllegalArgumentException("accuracy of " + model + " must not be null");
            }
            requireFraction("accuracy of " + model, fraction);
        });
        return Map.copyOf(accuracy);
    }

    private static Map<String, JudgeMode> validJudgeModes(Map<String, JudgeMode> judgeModes) {
        if (judgeModes == null) {
            throw new IllegalArgumentException("judgeModes must not be null; use an empty map for none");
        }
        judgeModes.forEach((model, mode) -> {
            requireModelName("judgeModes", model);
            if (mode == null) {
                throw new IllegalArgumentException("judgeModes has no mode for " + model);
            }
        });
        return Map.copyOf(judgeModes);
    }

    private static void requireModelName(String field, String model) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(field + " must not name a blank model");
        }
    }
}
