package io.palisade.upstream;

/** The OpenAI operations Palisade forwards. */
public enum Operation {
    CHAT("/v1/chat/completions"),
    COMPLETION("/v1/completions"),
    EMBEDDING("/v1/embeddings");

    private final String route;

    Operation(String route) {
        this.route = route;
    }

    /** The public route, which is also the path on an OpenAI-compatible backend. */
    public String route() {
        return route;
    }
}
