package io.palisade.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationDoubleOptionsTest {
    @TempDir
    Path directory;

    @Test
    void readsTheGoldenSetIgnoringOtherFieldsAndBlankLines() throws IOException {
        Path file = goldenSet("""
                {"id":"k1","question":"How do I rotate a key?","reference":"Run palisade keys rotate.","key_points":["rotate"]}

                {"question":"What port does Ollama use?","reference":"11434","tags":["ops"]}
                """);

        List<KnownAnswer> knowledge = EvaluationDoubleOptions.readGoldenSet(file);

        assertThat(knowledge)
                .extracting(KnownAnswer::question)
                .containsExactly("How do I rotate a key?", "What port does Ollama use?");
        assertThat(knowledge)
                .extracting(KnownAnswer::correctAnswer)
                .containsExactly("Run palisade keys rotate.", "11434");
        assertThat(knowledge)
                .allSatisfy(
                        known -> assertThat(known.wrongAnswer()).isNotBlank().isNotEqualTo(known.correctAnswer()));
        assertThat(EvaluationDoubleOptions.readGoldenSet(file)).isEqualTo(knowledge);
    }

    @Test
    void parsesRepeatableAccuracyAndJudgeFlags() throws IOException {
        Path file = goldenSet("{\"question\":\"Q?\",\"reference\":\"A.\"}\n");

        var options = EvaluationDoubleOptions.parse(
                file,
                List.of("llama3.2:1b=0.8", "qwen3:0.6b = 0"),
                List.of(
                        "judge=strict",
                        "lenient=LENIENT",
                        "harsh=harsh",
                        "flaky=malformed-first",
                        "broken=Malformed_Always"));

        assertThat(options.knowledge())
                .containsExactly(
                        new KnownAnswer("Q?", "A.", options.knowledge().get(0).wrongAnswer()));
        assertThat(options.accuracy()).isEqualTo(Map.of("llama3.2:1b", 0.8, "qwen3:0.6b", 0.0));
        assertThat(options.judgeModes())
                .isEqualTo(Map.of(
                        "judge",
                        JudgeMode.STRICT,
                        "lenient",
                        JudgeMode.LENIENT,
                        "harsh",
                        JudgeMode.HARSH,
                        "flaky",
                        JudgeMode.MALFORMED_FIRST,
                        "broken",
                        JudgeMode.MALFORMED_ALWAYS));
    }

    @Test
    void absentOptionsChangeNothing() {
        var options = EvaluationDoubleOptions.parse(null, null, null);
        SimulatorConfig config = SimulatorConfig.defaults();

        assertThat(options.applyTo(config)).isEqualTo(config);
    }

    @Test
    void appliesToTheConfigWhenEveryNamedModelIsServed() {
        var options = EvaluationDoubleOptions.parse(null, List.of("gen=0.5"), List.of("judge=harsh"));
        SimulatorConfig config = SimulatorConfig.defaults().withModels(List.of("gen", "judge:latest"));

        SimulatorConfig applied = options.applyTo(config);

        assertThat(applied.accuracy()).isEqualTo(Map.of("gen", 0.5));
        assertThat(applied.judgeModes()).isEqualTo(Map.of("judge", JudgeMode.HARSH));
        assertThatThrownBy(() -> options.applyTo(SimulatorConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--accuracy names gen");
    }

    @Test
    void rejectsMalformedFlagsWithUsefulMessages() throws IOException {
        assertRejected(() -> EvaluationDoubleOptions.parse(null, List.of("gen"), null), "--accuracy expects MODEL=");
        assertRejected(() -> EvaluationDoubleOptions.parse(null, List.of("=0.5"), null), "--accuracy expects");
        assertRejected(() -> EvaluationDoubleOptions.parse(null, List.of("gen=high"), null), "number");
        assertRejected(() -> EvaluationDoubleOptions.parse(null, List.of("gen=1.5"), null), "[0, 1]");
        assertRejected(() -> EvaluationDoubleOptions.parse(null, List.of("gen=0.1", "gen=0.2"), null), "twice");
        assertRejected(() -> EvaluationDoubleOptions.parse(null, null, List.of("judge=kind")), "malformed-first");
        assertRejected(() -> EvaluationDoubleOptions.parse(null, null, List.of("judge")), "--judge expects");
        assertRejected(
                () -> EvaluationDoubleOptions.parse(directory.resolve("missing.jsonl"), null, null), "cannot read");
        assertRejected(
                () -> EvaluationDoubleOptions.parse(goldenSet("{\"question\":\"Q?\"}\n"), null, null),
                "line 1 needs a non-empty string \"reference\"");
        assertRejected(
                () -> EvaluationDoubleOptions.parse(goldenSet("\n{not json\n"), null, null), "line 2 is not JSON");
    }

    private Path goldenSet(String text) throws IOException {
        Path file = Files.createTempFile(directory, "golden", ".jsonl");
        return Files.writeString(file, text);
    }

    private interface Construction {
        void run() throws IOException;
    }

    private static void assertRejected(Construction construction, String message) {
        assertThatThrownBy(construction::run)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
