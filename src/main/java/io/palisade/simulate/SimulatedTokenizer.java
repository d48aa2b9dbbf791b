package io.palisade.simulate;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's one and only notion of a token, used for every count it reports.
 *
 * <p>A token is a maximal run of letters and digits, or a single character that is neither a
 * letter, a digit nor whitespace. So {@code "What's up?"} is five tokens: {@code What ' s up ?}.
 * Whitespace is not a token; when text is cut into {@linkplain #pieces pieces} for streaming, each
 * piece carries the whitespace in front of its token, so the pieces concatenate to the exact text.
 *
 * <p>Stateless and thread-safe.
 */
final class SimulatedTokenizer {

    int count(String text) {
        int count = 0;
        int index = 0;
        while ((index = nextTokenStart(text, index)) < text.length()) {
            index = tokenEnd(text, index);
            count++;
        }
        return count;
    }

    /** The tokens themselves, without whitespace. */
    List<String> tokens(String text) {
        var tokens = new ArrayList<String>();
        int index = 0;
        while ((index = nextTokenStart(text, index)) < text.length()) {
            int end = tokenEnd(text, index);
            tokens.add(text.substring(index, end));
            index = end;
        }
        return tokens;
    }

    /**
     * One piece per token, each with the whitespace before it; whitespace after the last token is
     * appended to the last piece. Text without any token yields itself as a single piece (or nothing
     * when empty), so {@code String.join("", pieces(t)).equals(t)} always holds.
     */
    List<String> pieces(String text) {
        var pieces = new ArrayList<String>();
        int pieceStart = 0;
        int index = 0;
        while ((index = nextTokenStart(text, index)) < text.length()) {
            index = tokenEnd(text, index);
            pieces.add(text.substring(pieceStart, index));
            pieceStart = index;
        }
        if (pieceStart < text.length()) {
            String tail = text.substring(pieceStart);
            if (pieces.isEmpty()) {
                pieces.add(tail);
            } else {
                pieces.set(pieces.size() - 1, pieces.getLast() + tail);
            }
        }
        return pieces;
    }

    private static int nextTokenStart(String text, int from) {
        int index = from;
        while (index < text.length()) {
            int codePoint = text.codePointAt(index);
            if (!Character.isWhitespace(codePoint)) {
                return index;
            }
            index += Character.charCount(codePoint);
        }
        return text.length();
    }

    private static int tokenEnd(String text, int start) {
        int first = text.codePointAt(start);
        int index = start + Character.charCount(first);
        if (!Character.isLetterOrDigit(first)) {
            return index;
        }
        while (index < text.length()) {
            int codePoint = text.codePointAt(index);
            if (!Character.isLetterOrDigit(codePoint)) {
                break;
            }
            index += Character.charCount(codePoint);
        }
        return index;
    }
}
