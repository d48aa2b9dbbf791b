package io.palisade.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation doubles as {@code palisade simulate} takes them on the command line:
 * {@code --knowledge FILE}, {@code --accuracy MODEL=FRACTION} and {@code --judge MODEL=MODE}, both
 * repeatable. Parsing lives here rather than in the command so that it can be tested without
 * starting a server. Every invalid value throws {@link IllegalArgumentException} with a message
 * fit for the user.
 *
 * @param knowledge the known questions read from the golden set, empty without {@code --knowledge}
 * @param accuracy per model, the share of known questions answered right
 * @param judgeModes per model, how it grades
 */
public record EvaluationDoubleOptions(
        List<KnownAnswer> knowledge, Map<String, Double> accuracy, Map<String, JudgeMode> judgeModes) {

    /** Plausible sounding, yet containing nothing a golden set's key points would ask for. */
    private static final List<String> WRONG_ANSWERS = List.of(
            "I believe the answer is something else entirely.",
            "As far as I know, this is handled automatically and needs no action from you.",
            "I am not sure, but I think it depends on the setup and cannot be answered in general.");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public EvaluationDoubleOptions {
        knowledge = List.copyOf(knowledge);
        accuracy = Map.copyOf(accuracy);
        judgeModes = Map.copyOf(judgeModes);
    }

    /**
     * Reads the three options; any of them may be absent (null).
     *
     * @param knowledgeFile the {@code --knowledge} golden set, or null
     * @param accuracyAssignments the {@code --accuracy} values such as {@code "llama3.2:1b=0.8"}
     * @param judgeAssignments the {@code --judge} values such as {@code "qwen3:0.6b=malformed-first"}
     */
    public static EvaluationDoubleOptions parse(
            Path knowledgeFile, List<String> accuracyAssignments, List<String> judgeAssignments) {
        var accuracy = new LinkedHashMap<String, Double>();
        assignments("--accuracy", "MODEL=FRACTION", accuracyAssignments)
                .forEach((model, value) -> accuracy.put(model, fraction(model, value)));
        var judgeModes = new LinkedHashMap<String, JudgeMode>();
        assignments("--judge", "MODEL=MODE", judgeAssignments)
                .forEach((model, value) -> judgeModes.put(model, judgeMode(value)));
        List<KnownAnswer> knowledge = knowledgeFile == null ? List.of() : readGoldenSet(knowledgeFile);
        return new EvaluationDoubleOptions(knowledge, accuracy, judgeModes);
    }

    /**
     * Known answers from a golden-set JSONL file: one JSON object per line with at least a
     * {@code question} and a {@code reference} string; other fields are ignored, blank lines skipped.
     * The reference is the right answer; the wrong answer is a fixed plausible-sounding text chosen by
     * the question, so the same file always gives the same answers.
     */
    public static List<KnownAnswer> readGoldenSet(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the --knowledge file " + file + ": " + e.getMessage(), e);
        }
        var knowledge = new ArrayList<KnownAnswer>();
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index);
            if (line.isBlank()) {
                continue;
            }
            String where = file + " line " + (index + 1);
            JsonNode entry;
            try {
                entry = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + " is not JSON: " + e.getOriginalMessage(), e);
            }
            String question = requiredText(entry, "question", where);
            String reference = requiredText(entry, "reference", where);
            knowledge.add(new KnownAnswer(question, reference, wrongAnswer(question)));
        }
        return knowledge;
    }

    /**
     * The given settings with these doubles added. Every model named must be served, since a
     * misspelt name would otherwise leave its model silently answering right or not judging.
     */
    public SimulatorConfig applyTo(SimulatorConfig config) {
        var catalog = new ModelCatalog(config.models());
        requireServed("--accuracy", accuracy, catalog);
        requireServed("--judge", judgeModes, catalog);
        return config.withKnowledge(knowledge).withAccuracy(accuracy).withJudgeModes(judgeModes);
    }

    private static Map<String, String> assignments(String option, String shape, List<String> values) {
        var byModel = new LinkedHashMap<String, String>();
        if (values == null) {
            return byModel;
        }
        for (String value : values) {
            // Split at the last '=' because a model name may hold one, a fraction or mode never does.
            int equals = value.lastIndexOf('=');
            String model = equals < 0 ? "" : value.substring(0, equals).strip();
            String setting = equals < 0 ? "" : value.substring(equals + 1).strip();
            if (model.isEmpty() || setting.isEmpty()) {
                throw new IllegalArgumentException(option + " expects " + shape + ", got \"" + value + "\"");
            }
            if (byModel.put(model, setting) != null) {
                throw new IllegalArgumentException(option + " is given twice for " + model);
            }
        }
        return byModel;
    }

    private static double fraction(String model, String value) {
        double fraction;
        try {
            fraction = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--accuracy for " + model + " must be a number in [0, 1], got " + value);
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("--accuracy for " + model + " must be in [0, 1], got " + value);
        }
        return fraction;
    }

    private static JudgeMode judgeMode(String value) {
        String name = value.toUpperCase(Locale.ROOT).replace('-', '_');
        for (JudgeMode mode : JudgeMode.values()) {
            if (mode.name().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "--judge mode must be strict, lenient, harsh, malformed-first or malformed-always, got " + value);
    }

    private static String requiredText(JsonNode entry, String field, String where) {
        JsonNode value = entry.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + " needs a non-empty string \"" + field + "\"");
        }
        return value.asText();
    }

    private static String wrongAnswer(String question) {
        long choice = StableHash.of("wrong answer", Whitespace.collapse(question));
        return WRONG_ANSWERS.get((int) Math.floorMod(choice, (long) WRONG_ANSWERS.size()));
    }

    private static void requireServed(String option, Map<String, ?> settings, ModelCatalog catalog) {
        for (String model : settings.keySet()) {
            if (catalog.find(model).isEmpty()) {
                throw new IllegalArgumentException(
                        option + " names " + model + ", which is not served; add it to --models");
            }
        }
    }
}
