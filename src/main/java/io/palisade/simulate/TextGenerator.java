package io.palisade.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Produces the simulated answer and its token accounting; a pure function of the request, except
 * for the evaluation doubles (a {@link Judge}'s verdicts and a {@link KnowledgeBase}'s answers),
 * which also depend on how often the same thing was asked before.
 *
 * <p>The answer opens with {@code "Simulated answer to: <first eight words of the last user
 * message>."} so a test can see which prompt was answered, then continues with filler words drawn
 * from a fixed vocabulary by a generator seeded from the model, the conversation and the sampling
 * seed (the seed is ignored at temperature 0, as greedy decoding ignores it). Left alone an answer
 * is {@value #DEFAULT_COMPLETION_TOKENS} tokens long; {@code maxTokens} cuts it (finish reason
 * length) and stop sequences end it early.
 *
 * <p>A grading request to a judge model is answered with the judge's verdict, and a known question
 * with its right or wrong answer; these answers go through the same thinking, stop and cap rules,
 * and are counted the same way. A reasoning model (Qwen3, DeepSeek-R1) not told whether to think
 * opens a known answer with its reasoning in {@code <think>} tags, as such models do unless the
 * server separates the reasoning; only known answers do, so other answers stay as they were.
 *
 * <p>Prompt tokens are the {@link SimulatedTokenizer} tokens of every message's text, plus
 * {@value #PER_MESSAGE_OVERHEAD} tokens per message for the chat template's role marker and
 * delimiters when the prompt is templated. Tool definitions and images are not counted.
 *
 * <p>Thread-safe.
 */
final class TextGenerator {
    static final int DEFAULT_COMPLETION_TOKENS = 24;
    static final int PER_MESSAGE_OVERHEAD = 3;
    private static final int PROMPT_WORDS_ECHOED = 8;
    /** Model names that reason in their content when nobody says otherwise. */
    private static final List<String> REASONING_MODELS = List.of("qwen3", "deepseek-r1");

    private static final List<String> VOCABULARY = List.of(
            "the", "model", "gateway", "request", "token", "answer", "simple", "quiet", "river", "stone", "light",
            "signal", "window", "garden", "paper", "silver", "orbit", "harbor", "meadow", "lantern", "copper", "echo",
            "forest", "valley", "cloud", "bridge", "ember", "canvas", "thread", "pebble", "compass", "marble", "summit",
            "breeze", "anchor", "puzzle", "candle", "mirror", "voyage", "ledger");

    private final SimulatedTokenizer tokenizer;
    private final ToolCallPlanner toolCallPlanner;
    private final StructuredAnswer structuredAnswer;
    private final JsonReplies replies;
    private final KnowledgeBase knowledge;
    private final Judge judge;

    TextGenerator(
            SimulatedTokenizer tokenizer,
            ToolCallPlanner toolCallPlanner,
            StructuredAnswer structuredAnswer,
            JsonReplies replies,
            KnowledgeBase knowledge,
            Judge judge) {
        this.tokenizer = tokenizer;
        this.toolCallPlanner = toolCallPlanner;
        this.structuredAnswer = structuredAnswer;
        this.replies = replies;
        this.knowledge = knowledge;
        this.judge = judge;
    }

    Generation generate(GenerationRequest request) {
        int promptTokens = promptTokens(request.messages(), request.promptStyle());
        String lastUserText = lastUserText(request.messages());
        Random random = new Random(textSeed(request));
        List<String> thinking = request.think() ? tokenizer.pieces(reasoning(lastUserText)) : List.of();

        // A verdict or a known answer is what the test scripted, so it wins over a tool call.
        Optional<String> scripted = scriptedContent(request, lastUserText, random);
        Optional<ToolCall> toolCall = scripted.isPresent()
                ? Optional.empty()
                : toolCallPlanner.plan(request.tools(), request.messages(), lastUserText);
        if (toolCall.isPresent()) {
            int completionTokens = tokenizer.count(String.join("", thinking))
                    + tokenizer.count(toolCall.get().name())
                    + tokenizer.count(replies.serialize(toolCall.get().arguments()));
            return new Generation(
                    thinking,
                    List.of(),
                    toolCall.get(),
                    Generation.FinishReason.TOOL_CALLS,
                    promptTokens,
                    completionTokens);
        }

        String content = scripted.orElseGet(() -> {
            String prose = prose(lastUserText, random, naturalLength(request));
            return request.format().kind() == OutputFormat.Kind.TEXT
                    ? prose
                    : structuredAnswer.render(request.format(), prose, random);
        });
        List<String> contentPieces = tokenizer.pieces(cutAtStop(content, request.stop()));

        var finishReason = Generation.FinishReason.STOP;
        int cap = request.maxTokens();
        if (cap > 0 && thinking.size() + contentPieces.size() > cap) {
            finishReason = Generation.FinishReason.LENGTH;
            if (thinking.size() >= cap) {
                thinking = thinking.subList(0, cap);
                contentPieces = List.of();
            } else {
                contentPieces = contentPieces.subList(0, cap - thinking.size());
            }
        }
        int completionTokens =
                tokenizer.count(String.join("", thinking)) + tokenizer.count(String.join("", contentPieces));
        return new Generation(thinking, contentPieces, null, finishReason, promptTokens, completionTokens);
    }

    int promptTokens(List<ChatMessage> messages, GenerationRequest.PromptStyle style) {
        int overhead = style == GenerationRequest.PromptStyle.CHAT ? PER_MESSAGE_OVERHEAD : 0;
        int tokens = 0;
        for (ChatMessage message : messages) {
            tokens += tokenizer.count(message.content()) + overhead;
        }
        return tokens;
    }

    /** A judge's verdict, or the answer to a known question; empty for any other request. */
    private Optional<String> scriptedContent(GenerationRequest request, String lastUserText, Random random) {
        Optional<String> verdict = judge.reply(request.model(), lastUserText, request.format());
        if (verdict.isPresent()) {
            return verdict;
        }
        return knowledge
                .answer(request.model(), lastUserText)
                .map(answer -> knownAnswerContent(request, lastUserText, answer, random));
    }

    private String knownAnswerContent(GenerationRequest request, String lastUserText, String answer, Random random) {
        if (request.format().kind() != OutputFormat.Kind.TEXT) {
            return structuredAnswer.render(request.format(), answer, random);
        }
        if (request.thinking() == GenerationRequest.Thinking.UNSPECIFIED && reasonsInContent(request.model())) {
            return "<think>\n" + reasoning(lastUserText) + "\n</think>\n\n" + answer;
        }
        return answer;
    }

    private static boolean reasonsInContent(String model) {
        String lower = model.toLowerCase(Locale.ROOT);
        return REASONING_MODELS.stream().anyMatch(lower::contains);
    }

    /** Without an end-of-sequence token the model would run past any cap, so the cap always cuts. */
    private static int naturalLength(GenerationRequest request) {
        return request.ignoreEos() && request.maxTokens() > 0
                ? Math.max(DEFAULT_COMPLETION_TOKENS, request.maxTokens() + 1)
                : DEFAULT_COMPLETION_TOKENS;
    }

    private String prose(String lastUserText, Random random, int naturalLength) {
        String opening = opening(lastUserText);
        int openingTokens = tokenizer.count(opening);
        // Room for at least one filler word and the closing full stop.
        int target = Math.max(naturalLength, openingTokens + 2);
        var text = new StringBuilder(opening);
        for (int token = openingTokens; token < target - 1; token++) {
            text.append(' ').append(VOCABULARY.get(random.nextInt(VOCABULARY.size())));
        }
        return text.append('.').toString();
    }

    private static String opening(String lastUserText) {
        String words = firstWords(lastUserText, PROMPT_WORDS_ECHOED);
        if (words.isEmpty()) {
            return "Simulated answer to an empty prompt.";
        }
        boolean endsSentence = words.endsWith(".") || words.endsWith("?") || words.endsWith("!");
        return "Simulated answer to: " + words + (endsSentence ? "" : ".");
    }

    private static String reasoning(String lastUserText) {
        String words = firstWords(lastUserText, 6);
        return "The user wrote \"" + words + "\". A short simulated answer will do, so I will keep it brief.";
    }

    private static String firstWords(String text, int count) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return "";
        }
        String[] words = trimmed.split("\\s+");
        return String.join(" ", List.of(words).subList(0, Math.min(count, words.length)));
    }

    private static String lastUserText(List<ChatMessage> messages) {
        for (ChatMessage message : messages.reversed()) {
            if (message.role().equals("user")) {
                return message.content();
            }
        }
        return messages.isEmpty() ? "" : messages.getLast().content();
    }

    private static long textSeed(GenerationRequest request) {
        var parts = new ArrayList<String>();
        parts.add(request.model());
        for (ChatMessage message : request.messages()) {
            parts.add(message.role());
            parts.add(message.content());
        }
        parts.add(request.temperature() == 0 ? "greedy" : Long.toString(request.seed()));
        return StableHash.of(parts.toArray(String[]::new));
    }

    private static String cutAtStop(String text, List<String> stops) {
        int cut = text.length();
        for (String stop : stops) {
            int found = stop.isEmpty() ? -1 : text.indexOf(stop);
            if (found >= 0 && found < cut) {
                cut = found;
            }
        }
        return text.substring(0, cut);
    }
}
