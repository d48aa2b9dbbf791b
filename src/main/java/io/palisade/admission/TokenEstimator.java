package io.palisade.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Estimates a request's prompt tokens before it is forwarded, with a real BPE tokenizer
 * (cl100k_base, via jtokkit). Open models use their own tokenizers, so the count is an estimate:
 * on English and code it is typically within ±15% of Llama 3 / Qwen tokenizers, further off for
 * other scripts. To keep reservations on the safe side the estimate adds {@value #MARGIN_PERCENT}%
 * plus chat-template overhead per message; accounting after the answer uses the backend's reported
 * usage. See docs/admission.md for the bound this gives.
 *
 * <p>Time and memory are linear in the text and bounded per step: the tokenizer is only ever
 * given slices of at most {@value #MAX_SLICE} characters (see {@link #sliceEnd}), because BPE on
 * one long piece (a 2 MB prompt without spaces) is superlinear and ran the heap out of memory.
 * Thread-safe.
 */
public final class TokenEstimator {
    static final int MARGIN_PERCENT = 25;
    private static final int PER_MESSAGE = 4;
    private static final int PER_REQUEST = 3;
    private static final int PER_IMAGE = 768;
    /** Longest slice handed to the tokenizer; slices of ordinary text end at a word boundary well before it. */
    static final int MAX_SLICE = 4096;
    /** Longest run without a word boundary counted as one piece; longer runs are cut every this many characters. */
    static final int MAX_RUN = 128;

    private final Encoding encoding;

    public TokenEstimator() {
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    /** Estimated prompt tokens of a chat, completion or embedding request body, margin included. */
    public long estimate(ObjectNode body) {
        long tokens;
        if (body.has("messages")) {
            tokens = PER_REQUEST;
            for (JsonNode message : body.path("messages")) {
                tokens += PER_MESSAGE + count(message.path("content"));
                JsonNode toolCalls = message.get("tool_calls");
                if (toolCalls != null) {
                    tokens += count(toolCalls.toString());
                }
            }
            JsonNode tools = body.get("tools");
            if (tools != null) {
                tokens += count(tools.toString());
            }
        } else if (body.has("prompt")) {
            tokens = count(body.get("prompt"));
        } else {
            tokens = count(body.path("input"));
        }
        return tokens + (tokens * MARGIN_PERCENT + 99) / 100;
    }

    /**
     * cl100k count of a text, without margin: exact for text whose runs without a space are at
     * most {@value #MAX_RUN} characters long, otherwise the same or slightly more (see {@link #sliceEnd}).
     */
    public long count(String text) {
        long tokens = 0;
        for (int start = 0; start < text.length(); ) {
            int end = sliceEnd(text, start);
            tokens += encoding.countTokensOrdinary(text.substring(start, end));
            start = end;
        }
        return tokens;
    }

    /**
     * Where the slice of {@code text} starting at {@code start} ends (exclusive): at most
     * {@value #MAX_SLICE} characters on. A slice ends at the last word boundary (a space after a
     * non-space: cl100k's pre-tokenizer starts a new piece there whatever came before, so cutting
     * there changes no count) before that length; a run of more than {@value #MAX_RUN} characters
     * without one (no spaces: base64, a long word, repeated characters) is cut after
     * {@value #MAX_RUN} characters, never inside a surrogate pair. A cut inside a run can only stop
     * merges across it, so such a run counts the same or slightly more (+0.3 % measured on random
     * letters and base64, see docs/admission.md), which errs on the safe side of a reservation.
     * One pass over at most {@value #MAX_SLICE} characters.
     */
    static int sliceEnd(CharSequence text, int start) {
        int length = text.length();
        int boundary = start;
        for (int i = start + 1; i < length; i++) {
            if (text.charAt(i) == ' ' && !Character.isWhitespace(text.charAt(i - 1))) {
                boundary = i;
            }
            if (i - boundary >= MAX_RUN) {
                return Character.isLowSurrogate(text.charAt(i)) ? i - 1 : i;
            }
            if (i - start >= MAX_SLICE) {
                return boundary;
            }
        }
        return length;
    }

    private long count(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return 0;
        }
        if (content.isTextual()) {
            return count(content.asText());
        }
        long tokens = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    tokens += count(part.asText());
                } else if (part.has("text")) {
                    tokens += count(part.path("text").asText());
                } else if (part.has("image_url")) {
                    tokens += PER_IMAGE;
                } else {
                    tokens += count(part.toString());
                }
            }
            return tokens;
        }
        return count(content.toString());
    }
}
