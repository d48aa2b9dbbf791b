package io.palisade.simulate;

import java.util.regex.Pattern;

/**
 * Text compared the way a reader compares it: surrounding whitespace dropped and every inner run
 * of whitespace read as one space, so a re-wrapped question or key point still matches.
 */
final class Whitespace {
    private static final Pattern RUN = Pattern.compile("\\s+");

    private Whitespace() {}

    static String collapse(String text) {
        return RUN.matcher(text.strip()).replaceAll(" ");
    }
}
