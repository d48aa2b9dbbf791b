package io.palisade.config;

import java.nio.file.Path;

/**
 * What a deployment must serve, so that a silently replaced model is noticed.
 * {@code OLLAMA_DIGEST}: the digest Ollama reports for the model ({@code /api/tags});
 * {@code REVISION}: the model revision an OpenAI-compatible server reports (TGI's {@code model_sha},
 * a vLLM {@code revision}); {@code GGUF_SHA256}: the SHA-256 of the GGUF file a llama.cpp server
 * loads, computed by Palisade from {@code file} (the backend runs on the same host).
 * Values are compared case-insensitively, without a leading "sha256:".
 */
public record Pin(Kind kind, String value, Path file) {
    public enum Kind {
        OLLAMA_DIGEST,
        REVISION,
        GGUF_SHA256
    }

    public Pin {
        value = normalise(value);
    }

    /** The form values are compared in: lower case, no "sha256:" prefix, trimmed. */
    public static String normalise(String value) {
        String trimmed = value.trim().toLowerCase(java.util.Locale.ROOT);
        return trimmed.startsWith("sha256:") ? trimmed.substring("sha256:".length()) : trimmed;
    }

    public boolean matches(String served) {
        return served != null && normalise(served).equals(value);
    }

    /**
     * The same weights: same kind and value, and for a GGUF pin the same file when both name one
     * (paths compared absolute and normalised).
     */
    public boolean sameAs(Pin other) {
        if (kind != other.kind || !value.equals(other.value)) {
            return false;
        }
        return file == null
                || other.file == null
                || file.toAbsolutePath()
                        .normalize()
                        .equals(other.file.toAbsolutePath().normalize());
    }
}
