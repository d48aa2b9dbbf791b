package io.palisade.upstream;

import io.palisade.usage.TokenUsage;

/**
 * How a relayed stream ended: {@code error} is null when the backend finished it properly, else a
 * short, non-secret description. {@code callerGone} means the caller disconnected (nothing more
 * can be sent); otherwise the gateway tells the caller with an error event.
 */
public record StreamOutcome(TokenUsage usage, String error, boolean callerGone) {
    public static StreamOutcome finished(TokenUsage usage) {
        return new StreamOutcome(usage, null, false);
    }

    public static StreamOutcome broken(TokenUsage usage, String error) {
        return new StreamOutcome(usage, error, false);
    }

    public static StreamOutcome callerDisconnected(TokenUsage usage) {
        return new StreamOutcome(usage, "client disconnected", true);
    }
}
