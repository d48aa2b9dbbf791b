package io.palisade.simulate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The shape the answer must take: free text, any JSON object, or JSON following a schema (Ollama's
 * {@code format}, OpenAI's {@code response_format}).
 *
 * @param kind which of the three
 * @param schema the JSON schema, for {@link Kind#JSON_SCHEMA} only
 */
record OutputFormat(Kind kind, JsonNode schema) {
    static final OutputFormat TEXT = new OutputFormat(Kind.TEXT, null);
    static final OutputFormat JSON_OBJECT = new OutputFormat(Kind.JSON_OBJECT, null);

    enum Kind {
        TEXT,
        JSON_OBJECT,
        JSON_SCHEMA
    }

    static OutputFormat schema(JsonNode schema) {
        return new OutputFormat(Kind.JSON_SCHEMA, schema);
    }
}
