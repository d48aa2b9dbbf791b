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
 * <p>The schema uses a subset of JSON Schema, validated when the check is constructed (an
 * unsupported keyword is an error rather than being silently ignored):
 * <ul>
 *   <li>{@code type}: {@code object}, {@code array}, {@code string}, {@code number},
 *       {@code integer} (a number with no fractional part, so {@code 2.0} counts), {@code boolean},
 *       {@code null}, or an array of these;</li>
 *   <li>{@code properties} (an object of sub-schemas), {@code required} (an array of names),
 *       {@code additionalProperties} (a boolean only);</li>
 *   <li>{@code items} (one sub-schema applied to every element), {@code minItems}, {@code maxItems};</li>
 *   <li>{@code enum} (equality as JSON values; numbers compare by value);</li>
 *   <li>{@code minLength}, {@code maxLength} (in Unicode code points), {@code pattern}
 *       (Java regex, unanchored {@code find()} as in JSON Schema);</li>
 *   <li>{@code minimum}, {@code maximum} (inclusive).</li>
 * </ul>
 * Annotations {@code $schema}, {@code $id}, {@code $comment}, {@code title}, {@code description},
 * {@code default} and {@code examples} are accepted and ignored. As in JSON Schema, a keyword
 * applies only to values of its type (e.g. {@code minLength} ignores numbers).
 *
 * <p>Immutable and thread-safe: the schema is deep-copied on construction and {@link #schema()}
 * returns a copy. The constructor throws {@link IllegalArgumentException} listing every problem if
 * the schema is not an object or leaves the subset.
 */
public record JsonSchemaCheck(JsonNode schema) implements Check {
    public static final String TYPE = "json_schema";

    public JsonSchemaCheck {
        Objects.requireNonNull(schema, "schema");
        List<String> problems = JsonSchemaSubset.problems(schema);
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
