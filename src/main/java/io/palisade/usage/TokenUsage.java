package io.palisade.usage;

/** Token counts as reported by a backend; {@link #UNKNOWN} when the backend reported none. */
public record TokenUsage(int promptTokens, int completionTokens) {
    public static final TokenUsage UNKNOWN = new TokenUsage(-1, -1);

    public boolean known() {
        return promptTokens >= 0 || completionTokens >= 0;
    }
}
