package io.palisade.eval;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regex matching with a bounded amount of work, so a pathological pattern (catastrophic
 * backtracking) on a long model answer fails the check instead of hanging the evaluation. The
 * budget counts character reads, so it is deterministic: the same pattern and answer always give
 * the same result. Stateless and thread-safe; each match gets its own counter.
 */
final class RegexBudget {
    /** Character reads allowed per match; ordinary patterns over long answers use far fewer. */
    static final long MAX_CHAR_READS = 50_000_000L;

    /** Thrown from {@link Matcher#find()} when the budget is spent. */
    static final class Exhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exhausted() {
            super("regex gave up after " + MAX_CHAR_READS + " steps (catastrophic backtracking?)", null, false, false);
        }
    }

    private RegexBudget() {}

    /**
     * A matcher over {@code input} whose {@code find()} throws {@link Exhausted} when the budget is
     * spent. The caller should also catch {@link StackOverflowError}, which deeply nested
     * repetitions can cause on long input.
     */
    static Matcher matcher(Pattern pattern, String input) {
        return pattern.matcher(new Counted(input, new long[] {0}));
    }

    // The array is the one mutable read counter shared by a sequence and its sub-sequences (private, never compared).
    @SuppressWarnings("ArrayRecordComponent")
    private record Counted(String text, long[] reads) implements CharSequence {
        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > MAX_CHAR_READS) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
