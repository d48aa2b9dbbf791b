package io.palisade.upstream;

/**
 * What a backend says it serves under one model name, for pinning: the Ollama manifest
 * {@code digest}, a model {@code revision} (TGI's {@code model_sha}), or the model {@code file} a
 * llama.cpp server loaded ({@code model_path}). A field is null when the backend cannot say.
 * {@code detail} is a short, secret-free explanation for people (where the value came from, or why
 * there is none).
 */
public record ServedModel(String digest, String revision, String file, String detail) {
    /** The backend answered but reports nothing that identifies the weights. */
    public static ServedModel unreported(String detail) {
        return new ServedModel(null, null, null, detail);
    }

    /** True when the backend answered 404 (or 405): the endpoint or the model does not exist there. */
    static boolean answeredNotFound(io.palisade.error.PalisadeException e) {
        return e instanceof UpstreamStatusException answered && (answered.status() == 404 || answered.status() == 405);
    }

    /** True when at least one identifying value is known. */
    public boolean reportsSomething() {
        return digest != null || revision != null || file != null;
    }
}
