package io.palisade.config;

/** The wire protocol a backend speaks. */
public enum BackendKind {
    /** Ollama's native API (/api/chat, /api/generate, /api/embed, /api/tags). */
    OLLAMA,
    /** Any OpenAI-compatible server: vLLM, llama.cpp server, TGI, LM Studio, SGLang, cloud APIs. */
    OPENAI
}
