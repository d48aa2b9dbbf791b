package io.palisade.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

    @Test
    void defaultsMatchOllamaOnLocalhostWithThreeSmallModels() {
        var config = SimulatorConfig.defaults();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(11434);
        assertThat(config.models()).containsExactly("llama3.2:1b", "qwen3:0.6b", "nomic-embed-text");
        assertThat(config.latency()).isEqualTo(Duration.ZERO);
        assertThat(config.tokensPerSecond()).isZero();
        assertThat(config.errorRate()).isZero();
        assertThat(config.disconnectRate()).isZero();
        assertThat(config.seed()).isEqualTo(42);
    }

    @Test
    void withMethodsChangeOneFieldEach() {
        var config = SimulatorConfig.defaults()
                .withHost("0.0.0.0")
                .withPort(0)
                .withModels(List.of("m"))
                .withLatency(Duration.ofMillis(5))
                .withTokensPerSecond(20)
                .withErrorRate(0.25)
                .withDisconnectRate(0.5)
                .withSeed(7);

        assertThat(config)
                .isEqualTo(new SimulatorConfig("0.0.0.0", 0, List.of("m"), Duration.ofMillis(5), 20, 0.25, 0.5, 7));
    }

    @Test
    void modelListIsCopied() {
        var models = new java.util.ArrayList<>(List.of("a"));
        var config = SimulatorConfig.defaults().withModels(models);
        models.add("b");

        assertThat(config.models()).containsExactly("a");
    }

    @Test
    void rejectsInvalidValuesNamingTheField() {
        var config = SimulatorConfig.defaults();

        assertRejected(() -> config.withPort(-1), "port");
        assertRejected(() -> config.withPort(65_536), "port");
        assertRejected(() -> config.withErrorRate(-0.1), "errorRate");
        assertRejected(() -> config.withErrorRate(1.01), "errorRate");
        assertRejected(() -> config.withErrorRate(Double.NaN), "errorRate");
        assertRejected(() -> config.withDisconnectRate(2), "disconnectRate");
        assertRejected(() -> config.withTokensPerSecond(-1), "tokensPerSecond");
        assertRejected(() -> config.withTokensPerSecond(Double.POSITIVE_INFINITY), "tokensPerSecond");
        assertRejected(() -> config.withModels(List.of()), "models");
        assertRejected(() -> config.withModels(null), "models");
        assertRejected(() -> config.withModels(Arrays.asList("a", null)), "models");
        assertRejected(() -> config.withModels(List.of("a", " ")), "models");
        assertRejected(() -> config.withModels(List.of("a", "a")), "models");
        assertRejected(() -> config.withLatency(Duration.ofMillis(-1)), "latency");
        assertRejected(() -> config.withLatency(null), "latency");
        assertRejected(() -> config.withHost(" "), "host");
    }

    @Test
    void acceptsTheBoundaries() {
        var config = SimulatorConfig.defaults()
                .withPort(65_535)
                .withErrorRate(1)
                .withDisconnectRate(0)
                .withPort(0);

        assertThat(config.errorRate()).isEqualTo(1);
    }

    @Test
    void evaluationDoublesAreEmptyByDefaultAndKeptByOtherWithMethods() {
        var known = new KnownAnswer("Q?", "right", "wrong");
        var config = SimulatorConfig.defaults()
                .withKnowledge(List.of(known))
                .withAccuracy(Map.of("llama3.2:1b", 0.8))
                .withJudgeModes(Map.of("qwen3:0.6b", JudgeMode.LENIENT))
                .withSeed(3)
                .withModels(List.of("llama3.2:1b", "qwen3:0.6b"));

        assertThat(SimulatorConfig.defaults().knowledge()).isEmpty();
        assertThat(SimulatorConfig.defaults().accuracy()).isEmpty();
        assertThat(SimulatorConfig.defaults().judgeModes()).isEmpty();
        assertThat(config.knowledge()).containsExactly(known);
        assertThat(config.accuracy()).isEqualTo(Map.of("llama3.2:1b", 0.8));
        assertThat(config.judgeModes()).isEqualTo(Map.of("qwen3:0.6b", JudgeMode.LENIENT));
    }

    @Test
    void rejectsInvalidEvaluationDoubles() {
        var config = SimulatorConfig.defaults();
        var known = new KnownAnswer("Q?", "right", "wrong");

        assertRejected(() -> config.withAccuracy(Map.of("m", 1.5)), "accuracy of m");
        assertRejected(() -> config.withAccuracy(Map.of("m", -0.1)), "accuracy of m");
        assertRejected(() -> config.withAccuracy(Map.of("m", Double.NaN)), "accuracy of m");
        assertRejected(() -> config.withAccuracy(Map.of(" ", 0.5)), "accuracy");
        assertRejected(() -> config.withAccuracy(null), "accuracy");
        assertRejected(() -> config.withJudgeModes(null), "judgeModes");
        assertRejected(() -> config.withKnowledge(null), "knowledge");
        assertRejected(() -> config.withKnowledge(Arrays.asList(known, null)), "knowledge");
        assertRejected(
                () -> config.withKnowledge(List.of(known, new KnownAnswer(" Q? ", "other", "wrong"))), "knowledge");
        assertRejected(() -> new KnownAnswer(" ", "right", "wrong"), "question");
        // The same question twice with the same answers is harmless.
        assertThat(config.withKnowledge(List.of(known, known)).knowledge()).hasSize(2);
        assertThat(config.withAccuracy(Map.of("m", 0.0))
                        .withAccuracy(Map.of("m", 1.0))
                        .accuracy())
                .containsEntry("m", 1.0);
    }

    private static void assertRejected(Runnable construction, String field) {
        assertThatThrownBy(construction::run)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field);
    }
}
