package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Palisade asks a judge and reads its answer. The rubric prompt carries the question, the
 * expected key points, the reference answer and the answer to grade, under fixed section
 * headers; the judge must answer with {@code {"verdict","score","reason"}}. Reading is robust:
 * reasoning blocks are stripped, code fences and chatter around the JSON are tolerated, the verdict
 * word is case-insensitive; anything else is unparseable (null) — never a pass. Thread-safe.
 */
public final class JudgeProtocol {
    private static final Pattern THINK = Pattern.compile("(?is)<think>.*?(</think>|$)");
    private static final String INSTRUCTIONS = """
            You are an impartial grader. Decide whether the answer below is correct and complete for the \
            question, judged against the expected key points (all must be present in substance; wording may \
            differ) and the reference answer. Ignore style. An empty or evasive answer fails.
            Respond with a single JSON object and nothing else: \
            {"verdict": "pass" or "fail", "score": a number from 0 to 1, "reason": "one short sentence"}""";

    private final ObjectMapper json;

    public JudgeProtocol(ObjectMapper json) {
        this.json = json;
    }

    public String prompt(String question, List<String> keyPoints, String reference, String answer) {
        StringBuilder prompt = new StringBuilder(INSTRUCTIONS)
                .append("\n### Question\n")
                .append(question.trim())
                .append("\n### Expected key points\n");
        for (String point : keyPoints) {
            prompt.append("- ").append(point.trim()).append('\n');
        }
        prompt.append("### Reference answer\n")
                .append(reference == null || reference.isBlank() ? "(none)" : reference.trim())
                .append("\n### Answer to grade\n")
                .append(answer.isBlank() ? "(empty)" : answer.trim());
        return prompt.toString();
    }

    /** The JSON schema the verdict must follow, for backends that support structured output. */
    public ObjectNode schema() {
        ObjectNode schema = json.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties
                .putObject("verdict")
                .put("type", "string")
                .putArray("enum")
                .add("pass")
                .add("fail");
        properties.putObject("score").put("type", "number");
        properties.putObject("reason").put("type", "string");
        schema.putArray("required").add("verdict").add("score").add("reason");
        return schema;
    }

    /** The verdict in a judge's reply, or null when there is none to be read. */
    public JudgeVerdict parse(String reply) {
        if (reply == null) {
            return null;
        }
        String text = stripThinking(reply);
        int start = text.indexOf('{');
        while (start >= 0) {
            int end = matchingBrace(text, start);
            if (end < 0) {
                return null;
            }
            JudgeVerdict verdict = read(text.substring(start, end + 1));
            if (verdict != null) {
                return verdict;
            }
            start = text.indexOf('{', start + 1);
        }
        return null;
    }

    /** An answer without its reasoning blocks ({@code <think>…</think>}), trimmed. */
    public static String stripThinking(String answer) {
        Matcher matcher = THINK.matcher(answer == null ? "" : answer);
        return matcher.replaceAll("").trim();
    }

    private JudgeVerdict read(String candidate) {
        try {
            JsonNode node = json.readTree(candidate);
            String verdict = node.path("verdict").asText("").trim().toLowerCase(Locale.ROOT);
            if (!verdict.equals("pass") && !verdict.equals("fail")) {
                return null;
            }
            double score =
                    node.path("score").isNumber() ? node.get("score").asDouble() : verdict.equals("pass") ? 1 : 0;
            return new JudgeVerdict(
                    verdict.equals("pass"),
                    Math.max(0, Math.min(1, score)),
                    node.path("reason").asText(""));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static int matchingBrace(String text, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
