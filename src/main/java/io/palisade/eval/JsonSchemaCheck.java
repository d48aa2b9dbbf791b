package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * Passes when the answer contains JSON that is valid against {@code schema}. The JSON is, in this
 * order of preference: the whole answer; the content of a Markdown code fence (<code>```</code> or
 * <code>```json</code>) that is JSON as a whole or holds a <code>{…}</code>/<code>[…]</code> block;
 * the first <code>{…}</code> or <code>[…]</code> block anywhere in the answer.
 *
 * <p>The schema is JSON Schema draft 2020-12, checked against the draft's meta-schema when the
 * check is constructed ({@link JsonSchemaValidation}): every keyword of the draft applies,
 * {@code format} is asserted, and a {@code $ref} may only point into the schema itself or to the
 * draft's own meta-schemas (nothing is fetched).
 *
 * <p>Immutable and thread-safe: the schema is deep-copied on construction and {@link #schema()}
 * returns a copy. The constructor throws {@link IllegalArgumentException} listing every problem if
 * the schema is not a valid, loadable draft 2020-12 schema.
 */
public record JsonSchemaCheck(JsonNode schema) implements Check {
    public static final String TYPE = "json_schema";

    public JsonSchemaCheck {
        Objects.requireNonNull(schema, "schema");
        List<String> problems = JsonSchemaValidation.problems(schema);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        schema = schema.deepCopy();
    }

    /** A copy of the schema (the record stays immutable even if the caller modifies it). */
    @Override
    public JsonNode schema() {
        return schema.deepCopy();
    }

    /** The schema itself, for read-only use inside this package. */
    JsonNode schemaNode() {
        return schema;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
